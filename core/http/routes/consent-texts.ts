import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { consentKindSchema, consentTextViewSchema, publishConsentTextSchema, type ConsentService } from "../../consents/consent-service";
import { requireRole } from "../staff-auth";

/** Admins read the consent texts patients are asked now and publish new versions. */
export const consentTextRoutes = (deps: { consents: ConsentService }) => async (scope: FastifyInstance) => {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  app.addHook("preHandler", async (request) => requireRole(request, "admin"));

  app.get("/consent-texts", { schema: { response: { 200: z.object({ consents: z.array(consentTextViewSchema) }) } } }, async () => ({ consents: await deps.consents.texts() }));

  app.post("/consent-texts/:kind", { schema: { params: z.object({ kind: consentKindSchema }), body: publishConsentTextSchema, response: { 201: consentTextViewSchema } } }, async (request, reply) =>
    reply.status(201).send(await deps.consents.publish(request.params.kind, request.body, { type: "staff", id: request.staff.id })),
  );
};
