import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { InboundStore } from "../../inbound/inbound-repository";
import { requireRole } from "../staff-auth";

const query = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) });
const deadLetter = z.object({
  id: z.string(),
  channel: z.string(),
  chatKey: z.string(),
  attempts: z.number(),
  lastError: z.string().nullable(),
  receivedAt: z.string(),
});

/** Admin only: messenger updates that were malformed or failed every attempt (never retried by themselves). */
export const inboundAdminRoutes = (deps: { inbound: InboundStore }) => async (scope: FastifyInstance) => {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  app.addHook("preHandler", async (request) => requireRole(request, "admin"));

  app.get(
    "/inbound/dead-letters",
    { schema: { querystring: query, response: { 200: z.object({ deadLetters: z.array(deadLetter) }) } } },
    async (request) => ({
      deadLetters: (await deps.inbound.deadLetters(request.query.limit)).map((d) => ({ ...d, receivedAt: d.receivedAt.toISOString() })),
    }),
  );
};
