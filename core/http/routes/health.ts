import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { Redis } from "ioredis";
import { z } from "zod";

const withTimeout = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms))]);

/**
 * `/healthz`: the process is up. `/readyz`: it can serve, naming whatever it cannot reach, and any repeatable job
 * missing from Redis (after Redis lost its data; the workers re-create it within SCHEDULER_CHECK_SECONDS): without
 * them, pending messages and reminders would wait for ever while everything else looks fine.
 */
const readiness = z.object({ status: z.enum(["ok", "unavailable"]), failing: z.array(z.string()), checks: z.record(z.string(), z.string()) });

export function registerHealth(scope: FastifyInstance, deps: { pingDatabase: () => Promise<void>; redis: Redis; schedulers?: { missing(): Promise<string[]> } }): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  app.get("/healthz", { schema: { response: { 200: z.object({ status: z.literal("ok") }) } } }, async () => ({ status: "ok" as const }));

  app.get("/readyz", { schema: { response: { 200: readiness, 503: readiness } } }, async (_request, reply) => {
    const schedulers = deps.schedulers;
    /** Each check resolves to its problem, if it has one short of being unreachable. */
    const checks: Record<string, () => Promise<string | undefined>> = {
      postgres: async () => void (await deps.pingDatabase()),
      redis: async () => void (await deps.redis.ping()),
      ...(schedulers && {
        schedulers: async () => {
          const missing = await schedulers.missing();
          return missing.length ? `missing: ${missing.join(", ")}` : undefined;
        },
      }),
    };
    const results = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          return [name, (await withTimeout(check(), 2000)) ?? "ok"] as const;
        } catch (error) {
          return [name, `unreachable: ${(error as Error).message}`] as const;
        }
      }),
    );
    const failing = results.filter(([, state]) => state !== "ok").map(([name]) => name);
    return reply
      .status(failing.length ? 503 : 200)
      .send({ status: failing.length ? ("unavailable" as const) : ("ok" as const), failing, checks: Object.fromEntries(results) });
  });
}
