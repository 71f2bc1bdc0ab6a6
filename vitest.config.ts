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
    // Files share their worker's module cache instead of importing the whole service again in a fresh process
    // (about 2 s per file under load). Safe because no test mocks modules or keeps state in them between files:
    // each suite starts and closes its own harness, and state that must differ per file lives in the harness.
    isolate: false,
  },
});
