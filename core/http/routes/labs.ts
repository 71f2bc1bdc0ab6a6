import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { acceptFhirJson } from "../fhir-json";
import { z } from "zod";
import type { CareAccess } from "../../access/care-access";
import { labTestCatalogue } from "../../labs/lab-tests";
import { AppError } from "../../errors";
import type { LabService } from "../../labs/lab-service";
import { ingestOutcomeSchema, labOrderViewSchema, labReviewItemSchema, newLabOrderSchema, reviewTargetSchema } from "../../labs/lab-views";
import type { LabDirectory } from "../../labs/labs-config";
import { requireRole } from "../staff-auth";

export interface LabsDeps {
  labs: LabService;
  labDirectory: LabDirectory;
}

/** Laboratories push FHIR results here with their own token: outside the staff scope. */
export const labResultsRoutes = (deps: LabsDeps) => async (scope: FastifyInstance) => {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  acceptFhirJson(app);
  app.post("/api/v1/labs/:labId/results", { schema: { params: z.object({ labId: z.string().max(20) }), body: z.unknown().describe("A FHIR R4 Bundle of DiagnosticReport and Observations"), response: { 200: ingestOutcomeSchema, 202: ingestOutcomeSchema } } }, async (request, reply) => {
    const token = /^Bearer (\S+)$/.exec(request.headers.authorization ?? "")?.[1];
    if (!deps.labDirectory.authenticates(request.params.labId, token)) throw new AppError("unauthorized", "a valid laboratory token is required");
    const outcome = await deps.labs.ingest(request.params.labId, request.body);
    // Accepted either way: a delivery in the review list is kept, so the lab must not resend it.
    return reply.status(outcome.status === "stored" ? 200 : 202).send(outcome);
  });
};

const patientParams = z.object({ patientId: z.uuid() });
const idParams = z.object({ id: z.uuid() });

export const labStaffRoutes = (deps: LabsDeps & { access: CareAccess }) => async (scope: FastifyInstance) => {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const { access } = deps;
  const catalogue = z.object({ tests: z.array(z.object({ code: z.string(), ru: z.string(), en: z.string() })) });
  app.get("/lab-tests", { schema: { response: { 200: catalogue } } }, async () => ({ tests: labTestCatalogue }));
  const labs = z.object({ labs: z.array(z.object({ id: z.string(), name: z.string(), delivery: z.enum(["push", "pull"]) })) });
  app.get("/labs", { schema: { response: { 200: labs } } }, async () => ({ labs: deps.labDirectory.labs.map((lab) => ({ id: lab.id, name: lab.name, delivery: lab.delivery.type })) }));
  app.post("/patients/:patientId/lab-orders", { schema: { params: patientParams, body: newLabOrderSchema, response: { 201: labOrderViewSchema } } }, async (request, reply) =>
    reply.status(201).send(await deps.labs.createOrder((await access.patient(request.staff, request.params.patientId)).id, request.params.patientId, request.body)),
  );
  app.get("/patients/:patientId/lab-orders", { schema: { params: patientParams, response: { 200: z.object({ orders: z.array(labOrderViewSchema) }) } } }, async (request) => {
    const doctor = await access.patient(request.staff, request.params.patientId);
    return { orders: await deps.labs.listForPatient({ type: "doctor", id: doctor.id }, request.params.patientId) };
  });
  app.get("/lab-orders/:id", { schema: { params: idParams, response: { 200: labOrderViewSchema } } }, async (request) =>
    deps.labs.readOrder((await access.labOrder(request.staff, request.params.id)).id, request.params.id),
  );
  // The review list is worked by operators as much as by doctors; interpreters have no business with results.
  const reviewer = (request: FastifyRequest) => {
    requireRole(request, "operator", "admin", "doctor");
    return { type: "staff" as const, id: request.staff.id };
  };
  // Filing needs the lab, the reason and the identifiers the delivery names; the results themselves are
  // clinical content, shown to doctors only.
  app.get("/labs/review", { schema: { querystring: z.object({ all: z.stringbool().optional() }), response: { 200: z.object({ items: z.array(labReviewItemSchema) }) } } }, async (request) => {
    const items = await deps.labs.reviewList(reviewer(request), request.query.all ?? false);
    return { items: request.staff.role === "doctor" ? items : items.map((item) => ({ ...item, payload: null })) };
  });
  app.post("/labs/review/:id/resolve", { schema: { params: idParams, body: reviewTargetSchema, response: { 200: z.object({ results: z.number() }) } } }, async (request) =>
    deps.labs.resolveReview(reviewer(request), request.params.id, request.body),
  );
};
