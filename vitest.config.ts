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
    // A test file imports the whole service (about 4 s of module loading); loaded once per worker instead of once
    // per file, the suite takes half the time. Files share no state but the modules: each starts its own harness,
    // Redis prefix and stand-ins, and closes them.
    isolate: false,
  },
});
