import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { CareAccess } from "../../access/care-access";
import { consiliumInputSchema, consiliumViewSchema } from "../../consilia/consilium";
import type { ConsiliumService } from "../../consilia/consilium-service";
import type { ConsiliumSigning } from "../../consilia/consilium-signing";
import type { SigningCertificates } from "../../documents/signing-certificates";
import { protocolContentSchema } from "../../protocols/protocol";
import type { StaffMember } from "../../staff/staff-member";

const idParams = z.object({ id: z.uuid() });
const detailSchema = consiliumViewSchema.extend({ complaints: z.array(z.string()), conclusion: protocolContentSchema.nullable() });

export interface ConsiliumRouteDeps {
  consilia: ConsiliumService;
  signing: ConsiliumSigning;
  certificates: SigningCertificates;
}

/**
 * Consilia for the console: called from a thread by its doctor; read, joined, concluded and signed by the doctors
 * in it (each a doctor in the patient's care through the consilium, CareAccess), every step audited.
 */
export const consiliumRoutes = (deps: ConsiliumRouteDeps & { access: CareAccess }) => async (scope: FastifyInstance) => {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const { access, consilia } = deps;
  // Anything about one consilium: a doctor in its patient's care (a 404 for an id that does not exist).
  const inCare = async (staff: StaffMember, id: string) => {
    access.doctor(staff);
    return access.patient(staff, await consilia.patientOf(id));
  };

  app.post(
    "/consultations/:id/consilia",
    { schema: { params: idParams, body: consiliumInputSchema, response: { 201: consiliumViewSchema } } },
    async (request, reply) => reply.status(201).send(await consilia.create(await access.consultationDoctor(request.staff, request.params.id), request.params.id, request.body)),
  );

  app.get("/consultations/:id/consilia", { schema: { params: idParams, response: { 200: z.object({ consilia: z.array(consiliumViewSchema) }) } } }, async (request) => ({
    consilia: await consilia.ofConsultation(await access.consultationPatient(request.staff, request.params.id), request.params.id),
  }));

  app.get("/consilia", { schema: { response: { 200: z.object({ consilia: z.array(consiliumViewSchema) }) } } }, async (request) => ({
    consilia: await consilia.list(access.doctor(request.staff)),
  }));

  app.get(
    "/consilia/colleagues",
    {
      schema: {
        querystring: z.object({ specialty: z.string().max(50).optional() }),
        response: { 200: z.object({ doctors: z.array(z.object({ id: z.uuid(), name: z.string(), specialties: z.array(z.string()) })) }) },
      },
    },
    async (request) => ({ doctors: await consilia.colleagues(access.doctor(request.staff), request.query.specialty) }),
  );

  app.get("/consilia/:id", { schema: { params: idParams, response: { 200: detailSchema } } }, async (request) =>
    consilia.read(await inCare(request.staff, request.params.id), request.params.id),
  );

  app.post("/consilia/:id/start", { schema: { params: idParams, response: { 200: consiliumViewSchema } } }, async (request) =>
    consilia.start(await inCare(request.staff, request.params.id), request.params.id),
  );

  /** The doctor's own single-device link to the room's call page. */
  app.post("/consilia/:id/link", { schema: { params: idParams, response: { 200: z.object({ url: z.string() }) } } }, async (request) => ({
    url: await consilia.link(await inCare(request.staff, request.params.id), request.params.id),
  }));

  app.put("/consilia/:id/conclusion", { schema: { params: idParams, body: protocolContentSchema, response: { 200: consiliumViewSchema } } }, async (request) =>
    consilia.saveConclusion(await inCare(request.staff, request.params.id), request.params.id, request.body),
  );

  app.post("/consilia/:id/sign", { schema: { params: idParams, response: { 200: consiliumViewSchema } } }, async (request) => {
    const doctor = await inCare(request.staff, request.params.id);
    // Signing would fail inside without a usable certificate: say why now, beside the Sign button.
    await deps.certificates.assertUsable(doctor.id);
    return deps.signing.sign(doctor, request.params.id);
  });
};
