import type { FastifyInstance } from "fastify";
import type { Redis } from "ioredis";
import type { Db } from "../../db/prisma";

const withTimeout = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms))]);

/** `/healthz`: the process is up. `/readyz`: it can serve, naming whatever it cannot reach. */
export function registerHealth(app: FastifyInstance, deps: { db: Db; redis: Redis }): void {
  app.get("/healthz", async () => ({ status: "ok" }));

  app.get("/readyz", async (_request, reply) => {
    const checks = {
      postgres: () => deps.db.$queryRaw`SELECT 1`,
      redis: () => deps.redis.ping(),
    };
    const results = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          await withTimeout(check(), 2000);
          return [name, "ok"] as const;
        } catch (error) {
          return [name, `unreachable: ${(error as Error).message}`] as const;
        }
      }),
    );
    const failing = results.filter(([, state]) => state !== "ok").map(([name]) => name);
    return reply
      .status(failing.length ? 503 : 200)
      .send({ status: failing.length ? "unavailable" : "ok", failing, checks: Object.fromEntries(results) });
  });
}
