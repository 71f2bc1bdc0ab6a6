import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    globalSetup: ["test/global-setup.ts"],
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", "web-call/**", "console/**"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: more parallel files only add contention on Postgres and Redis.
    maxWorkers: 2,
  },
});
