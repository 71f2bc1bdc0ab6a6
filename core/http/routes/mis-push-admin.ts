import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { AppError } from "../../errors";
import type { MisPush } from "../../fhir/mis-push";
import { requireRole } from "../staff-auth";

const query = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) });
const failedPush = z.object({
  protocolId: z.string(),
  consultationNumber: z.number().nullable(),
  version: z.number().nullable(),
  attempts: z.number(),
  lastError: z.string().nullable(),
  failedAt: z.string(),
});

/**
 * Admin only: the review list of signed protocols the clinic's MIS did not take (every attempt failed, or it
 * refused the Bundle), and "retry now". Registered without a MIS too: it then says so (`configured: false`).
 */
export const misPushAdminRoutes = (deps: { misPush?: MisPush }) => async (scope: FastifyInstance) => {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  app.addHook("preHandler", async (request) => requireRole(request, "admin"));

  app.get(
    "/mis-pushes/failed",
    { schema: { querystring: query, response: { 200: z.object({ configured: z.boolean(), failures: z.array(failedPush) }) } } },
    async (request) => ({
      configured: deps.misPush !== undefined,
      failures: ((await deps.misPush?.failures(request.query.limit)) ?? []).map((f) => ({
        protocolId: f.protocolId,
        consultationNumber: f.consultationNumber,
        version: f.version,
        attempts: f.attempts,
        lastError: f.lastError,
        failedAt: f.updatedAt.toISOString(),
      })),
    }),
  );

  app.post(
    "/mis-pushes/:protocolId/retry",
    { schema: { params: z.object({ protocolId: z.uuid() }), response: { 202: z.object({ status: z.literal("pending") }) } } },
    async (request, reply) => {
      if (!deps.misPush) throw new AppError("conflict", "no MIS is configured (MIS_FHIR_URL): nothing is pushed");
      await deps.misPush.retry(request.params.protocolId, request.staff.id);
      return reply.status(202).send({ status: "pending" as const });
    },
  );
};
