import { describe, expect, inject, it } from "vitest";
import { compose } from "../bin/compose";
import { loadConfig } from "../core/config";

async function probe(env: Record<string, string>) {
  const services = compose(loadConfig({ DATABASE_URL: inject("databaseUrl"), LOG_LEVEL: "silent", ...env }));
  const app = await services.startApi();
  try {
    const [health, ready] = await Promise.all([app.inject("/healthz"), app.inject("/readyz")]);
    return { health, ready };
  } finally {
    await services.close();
  }
}

describe("health endpoints", () => {
  it("reports ready when Postgres and Redis answer", async () => {
    const { health, ready } = await probe({});
    expect(health.statusCode).toBe(200);
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: "ok", failing: [], checks: { postgres: "ok", redis: "ok" } });
  });

  it("names Redis when it cannot be reached, while the process stays up", async () => {
    const { health, ready } = await probe({ REDIS_URL: "redis://127.0.0.1:1" });
    expect(health.statusCode).toBe(200);
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ status: "unavailable", failing: ["redis"], checks: { postgres: "ok" } });
  });

  it("names Postgres when the database cannot be reached", async () => {
    const { ready } = await probe({ DATABASE_URL: "postgresql://postgres@127.0.0.1:1/telecons" });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ failing: ["postgres"], checks: { redis: "ok" } });
  });
});
