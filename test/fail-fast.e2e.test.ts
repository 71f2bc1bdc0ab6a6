import { spawn } from "node:child_process";
import { describe, expect, it, inject } from "vitest";
import { freePort } from "./helpers/free-port";

/** Starts a bin/ entry point and waits for it to exit (or gives up after `limitMs`). */
function run(entry: string, env: Record<string, string>, limitMs = 20_000) {
  return new Promise<{ code: number | null; stderr: string; ms: number }>((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ["--import", "tsx", entry], {
      env: { ...process.env, LOG_LEVEL: "silent", PORT: "1", HOST: "127.0.0.1", ...env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), limitMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, ms: Date.now() - started });
    });
  });
}

describe("a process started without its Redis or Postgres", () => {
  const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

  it.each(["bin/api.ts", "bin/workers.ts", "bin/all.ts"])("%s exits within 10 s naming REDIS_URL when Redis is closed", async (entry) => {
    const port = await freePort();
    const result = await run(entry, { DATABASE_URL: inject("databaseUrl"), REDIS_URL: `redis://127.0.0.1:${port}` });
    expect(result.code).toBe(1);
    expect(result.ms).toBeLessThan(10_000);
    expect(result.stderr.trim()).toBe(`REDIS_URL: cannot reach Redis at 127.0.0.1:${port} (ECONNREFUSED)`);
  });

  it.each(["bin/api.ts", "bin/workers.ts"])("%s exits within 10 s naming DATABASE_URL when Postgres is closed, without its password", async (entry) => {
    const port = await freePort();
    const result = await run(entry, { DATABASE_URL: `postgresql://postgres:sekret@127.0.0.1:${port}/telecons`, REDIS_URL: redisUrl });
    expect(result.code).toBe(1);
    expect(result.ms).toBeLessThan(10_000);
    expect(result.stderr.trim()).toBe(`DATABASE_URL: cannot reach PostgreSQL at 127.0.0.1:${port} (ECONNREFUSED)`);
  });
});
