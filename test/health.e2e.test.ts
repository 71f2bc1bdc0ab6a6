import { randomUUID } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { compose } from "../bin/compose";
import { loadConfig } from "../core/config";

/** `workers`: the schedulers are created first, as a worker process does at start. */
async function probe(env: Record<string, string>, workers = false) {
  const prefix = `${inject("redisPrefix")}-health-${randomUUID().slice(0, 8)}`;
  const services = compose(loadConfig({ DATABASE_URL: inject("databaseUrl"), LOG_LEVEL: "silent", REDIS_PREFIX: prefix, ...env }));
  if (workers) await services.startWorkers();
  const app = await services.startApi();
  try {
    const [health, ready] = await Promise.all([app.inject("/healthz"), app.inject("/readyz")]);
    return { health, ready };
  } finally {
    await services.close();
  }
}

describe("health endpoints", () => {
  it("reports ready when Postgres and Redis answer and the workers' schedulers are in Redis", async () => {
    const { health, ready } = await probe({}, true);
    expect(health.statusCode).toBe(200);
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: "ok", failing: [], checks: { postgres: "ok", redis: "ok", schedulers: "ok" } });
  });

  it("names the schedulers Redis does not hold (no worker has created them, or Redis lost them)", async () => {
    const { ready } = await probe({});
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ failing: ["schedulers"], checks: { postgres: "ok", redis: "ok" } });
    expect(ready.json().checks.schedulers).toBe(
      "missing: outbox/outbox-sweep, inbound/inbound-sweep, reminders/reminders-tick, escalation/escalation-sweep, video/video-sweep, retention/retention-sweep, coverage/coverage-check",
    );
  });

  it("names Redis when it cannot be reached, while the process stays up", async () => {
    const { health, ready } = await probe({ REDIS_URL: "redis://127.0.0.1:1" });
    expect(health.statusCode).toBe(200);
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ status: "unavailable", failing: ["redis", "schedulers"], checks: { postgres: "ok" } });
    expect(ready.json().checks.redis).toMatch(/^unreachable: /);
  });

  it("names Postgres when the database cannot be reached", async () => {
    const { ready } = await probe({ DATABASE_URL: "postgresql://postgres@127.0.0.1:1/telecons" });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ checks: { redis: "ok" } });
    expect(ready.json().failing).toContain("postgres");
  });
});
