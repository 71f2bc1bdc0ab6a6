import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Redis } from "ioredis";
import { AppError } from "../errors";
import { redisKeys } from "../redis-keys";

/**
 * Per-address request limits, counted in Redis so every api instance shares them. Nothing is limited
 * globally: a route opts in with `config: { rateLimit: perMinute(max, key) }`.
 */
export async function registerRateLimit(app: FastifyInstance, redis: Redis, prefix: string): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    redis,
    nameSpace: redisKeys(prefix).httpRateLimit,
    errorResponseBuilder: (_request, context) =>
      new AppError("rate_limited", `too many requests; try again in ${context.after}`),
  });
}

/**
 * `max` requests a minute per key. Each route names its own key (`login:<ip>`…): the plugin's counters
 * share one namespace, and a widget message must not use up the budget of a login.
 */
export const perMinute = (max: number, key: (request: FastifyRequest) => string) => ({
  max,
  timeWindow: 60_000,
  keyGenerator: key,
});
