import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { CareAccess } from "../../access/care-access";
import type { DocumentService } from "../../documents/document-service";
import type { SigningCertificates } from "../../documents/signing-certificates";
import { requireRole } from "../staff-auth";
import { clinicalDocumentSchema } from "../../documents/clinical-document";
import { certificateStatusSchema } from "../../documents/signing-certificates";
import { protocolViewSchema } from "../../protocols/protocol-service";
import type { Icd10Catalogue } from "../../icd10/icd10";
import { assertVisitRecorder, type InPersonVisits } from "../../protocols/in-person-visits";
import { inPersonVisitInputSchema, inPersonVisitSchema, protocolContentSchema, visitImportSchema } from "../../protocols/protocol";
import type { ProtocolService } from "../../protocols/protocol-service";
import type { StaffMember } from "../../staff/staff-member";

const idParams = z.object({ id: z.uuid() });

export interface ProtocolRouteDeps {
  protocols: ProtocolService;
  certificates: SigningCertificates;
  visits: InPersonVisits;
  icd10: Icd10Catalogue;
  documents: DocumentService;
  /** IN_PERSON_VISIT_RECORDERS */
  visitRecorders: readonly string[];
}

/**
 * The protocol, in-person visits and ICD-10 search for the console. Clinical: a doctor in the patient's care
 * (CareAccess); the draft is started by the consultation's own doctor and edited or signed by its author only.
 */
export const protocolRoutes = (deps: ProtocolRouteDeps & { access: CareAccess }) => async (scope: FastifyInstance) => {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const { access } = deps;
  const actor = (doctor: { id: string }) => ({ type: "doctor" as const, id: doctor.id });

  const icd10Codes = z.object({ codes: z.array(z.object({ code: z.string(), en: z.string(), ru: z.string() })) });
  app.get("/icd10", { schema: { querystring: z.object({ q: z.string().max(100).default(""), limit: z.coerce.number().int().min(1).max(50).default(20) }), response: { 200: icd10Codes } } }, async (request) => ({
    codes: deps.icd10.search(request.query.q, request.query.limit),
  }));

  app.get("/patients/:id/in-person-visits", { schema: { params: idParams, response: { 200: z.object({ visits: z.array(inPersonVisitSchema) }) } } }, async (request) => ({
    visits: await deps.visits.listAudited(actor(await access.patient(request.staff, request.params.id)), request.params.id),
  }));

  // Only the configured roles (IN_PERSON_VISIT_RECORDERS); a doctor among them still needs the patient in their care.
  const recorder = async (staff: StaffMember, patientIds: string[]) => {
    assertVisitRecorder(staff.role, deps.visitRecorders);
    return staff.role === "doctor" ? actor(await access.patients(staff, patientIds)) : { type: "staff" as const, id: staff.id };
  };

  app.post("/patients/:id/in-person-visits", { schema: { params: idParams, body: inPersonVisitInputSchema, response: { 201: inPersonVisitSchema } } }, async (request, reply) =>
    reply.status(201).send(await deps.visits.record(await recorder(request.staff, [request.params.id]), request.params.id, request.body)),
  );

  app.post("/in-person-visits/import", { schema: { body: visitImportSchema, response: { 200: z.object({ imported: z.number(), skipped: z.number() }) } } }, async (request) =>
    deps.visits.import(await recorder(request.staff, request.body.visits.map((v) => v.patientId)), request.body),
  );

  app.post("/consultations/:id/protocol", { schema: { params: idParams, response: { 201: protocolViewSchema } } }, async (request, reply) =>
    reply.status(201).send(await deps.protocols.startDraft(await access.consultationDoctor(request.staff, request.params.id), request.params.id)),
  );

  app.get("/consultations/:id/protocols", { schema: { params: idParams, response: { 200: z.object({ protocols: z.array(protocolViewSchema) }) } } }, async (request) => ({
    protocols: await deps.protocols.listForConsultation(await access.consultationPatient(request.staff, request.params.id), request.params.id),
  }));

  app.get("/protocols/:id", { schema: { params: idParams, response: { 200: protocolViewSchema } } }, async (request) =>
    deps.protocols.read(await access.protocol(request.staff, request.params.id), request.params.id),
  );

  app.put("/protocols/:id", { schema: { params: idParams, body: protocolContentSchema, response: { 200: protocolViewSchema } } }, async (request) =>
    deps.protocols.update(await access.protocol(request.staff, request.params.id), request.params.id, request.body),
  );

  app.post("/protocols/:id/sign", { schema: { params: idParams, response: { 200: protocolViewSchema } } }, async (request) => {
    const doctor = await access.protocol(request.staff, request.params.id);
    // The documents job would fail for ever without a usable certificate: say so now, beside the Sign button.
    await deps.certificates.assertUsable(doctor.id);
    return deps.protocols.sign(doctor, request.params.id);
  });

  app.post("/protocols/:id/corrections", { schema: { params: idParams, response: { 201: protocolViewSchema } } }, async (request, reply) =>
    reply.status(201).send(await deps.protocols.correct(await access.protocol(request.staff, request.params.id), request.params.id)),
  );

  app.get("/protocols/:id/documents", { schema: { params: idParams, response: { 200: z.object({ documents: z.array(clinicalDocumentSchema), failure: z.string().nullable() }) } } }, async (request) => {
    const doctor = await access.protocol(request.staff, request.params.id);
    return deps.documents.listForDoctor(doctor.id, request.params.id);
  });

  // Admins give doctors their signing certificates: checked at once, stored encrypted (core/documents/signing-certificates.ts).
  app.get("/signing-certificates", { schema: { response: { 200: z.object({ certificates: z.array(certificateStatusSchema) }) } } }, async (request) => {
    requireRole(request, "admin");
    return { certificates: await deps.certificates.list() };
  });
  app.put(
    "/doctors/:id/signing-certificate",
    {
      schema: { params: idParams, body: z.object({ base64: z.base64().max(200_000), password: z.string().max(200) }), response: { 200: certificateStatusSchema } },
      bodyLimit: 300_000,
    },
    async (request) => {
      requireRole(request, "admin");
      return deps.certificates.upload(request.params.id, Buffer.from(request.body.base64, "base64"), request.body.password, { type: "staff", id: request.staff.id });
    },
  );
};
