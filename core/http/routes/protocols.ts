import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { DocumentService } from "../../documents/document-service";
import type { Icd10Catalogue } from "../../icd10/icd10";
import type { InPersonVisits } from "../../protocols/in-person-visits";
import { inPersonVisitInputSchema, protocolContentSchema, visitImportSchema } from "../../protocols/protocol";
import type { ProtocolService } from "../../protocols/protocol-service";

const idParams = z.object({ id: z.uuid() });

export interface ProtocolRouteDeps {
  protocols: ProtocolService;
  visits: InPersonVisits;
  icd10: Icd10Catalogue;
  documents: DocumentService;
}

/** The protocol, in-person visits and ICD-10 search for the console (staff scope: `request.doctor` is set). */
export const protocolRoutes = (deps: ProtocolRouteDeps) => async (scope: FastifyInstance) => {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const actor = (doctorId: string) => ({ type: "doctor" as const, id: doctorId });

  app.get("/icd10", { schema: { querystring: z.object({ q: z.string().max(100).default(""), limit: z.coerce.number().int().min(1).max(50).default(20) }) } }, async (request) => ({
    codes: deps.icd10.search(request.query.q, request.query.limit),
  }));

  app.get("/patients/:id/in-person-visits", { schema: { params: idParams } }, async (request) => ({
    visits: await deps.visits.listAudited(actor(request.doctor.id), request.params.id),
  }));

  app.post("/patients/:id/in-person-visits", { schema: { params: idParams, body: inPersonVisitInputSchema } }, async (request, reply) =>
    reply.status(201).send(await deps.visits.record(actor(request.doctor.id), request.params.id, request.body)),
  );

  app.post("/in-person-visits/import", { schema: { body: visitImportSchema } }, async (request) =>
    deps.visits.import(actor(request.doctor.id), request.body),
  );

  app.post("/consultations/:id/protocol", { schema: { params: idParams } }, async (request, reply) =>
    reply.status(201).send(await deps.protocols.startDraft(request.doctor, request.params.id)),
  );

  app.get("/consultations/:id/protocols", { schema: { params: idParams } }, async (request) => ({
    protocols: await deps.protocols.listForConsultation(request.doctor, request.params.id),
  }));

  app.get("/protocols/:id", { schema: { params: idParams } }, async (request) => deps.protocols.read(request.doctor, request.params.id));

  app.put("/protocols/:id", { schema: { params: idParams, body: protocolContentSchema } }, async (request) =>
    deps.protocols.update(request.doctor, request.params.id, request.body),
  );

  app.post("/protocols/:id/sign", { schema: { params: idParams } }, async (request) => deps.protocols.sign(request.doctor, request.params.id));

  app.post("/protocols/:id/corrections", { schema: { params: idParams } }, async (request, reply) =>
    reply.status(201).send(await deps.protocols.correct(request.doctor, request.params.id)),
  );

  app.get("/protocols/:id/documents", { schema: { params: idParams } }, async (request) => ({
    documents: await deps.documents.forProtocol(request.params.id),
  }));
};
