import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { CareAccess } from "../../access/care-access";
import { colleagueCaseSchema, type ColleagueCaseReader } from "../../colleagues/colleague-case";
import { answerInputSchema, colleagueSchema, invitationInputSchema, invitationSchema } from "../../colleagues/colleague-invitation";
import type { ColleagueInvitations } from "../../colleagues/colleague-invitations";
import type { StoredFiles } from "../../files/stored-files";
import { colleagueAnswerSchema } from "../../protocols/protocol";
import type { ProtocolService } from "../../protocols/protocol-service";
import { file, sendStoredFile } from "../responses";

const idParams = z.object({ id: z.uuid() });
const fileParams = z.object({ id: z.uuid(), fileId: z.uuid() });
const invitationsSchema = z.object({ invitations: z.array(invitationSchema) });

export interface ColleagueRouteDeps {
  invitations: ColleagueInvitations;
  caseReader: ColleagueCaseReader;
  protocols: ProtocolService;
  files: StoredFiles;
}

/**
 * Ask a colleague (issue 18 point 1). The treating doctor asks from the thread and reads the doctors-only part of it;
 * the colleague accepts (a question to a specialty), reads the case while the invitation is open, answers. Who may
 * do each is CareAccess's rule, asked by the domain.
 */
export const colleagueRoutes = (deps: ColleagueRouteDeps & { access: CareAccess }) => async (scope: FastifyInstance) => {
  const app = scope.withTypeProvider<ZodTypeProvider>();

  app.get("/colleagues", { schema: { response: { 200: z.object({ colleagues: z.array(colleagueSchema) }) } } }, async (request) => ({
    colleagues: await deps.invitations.colleagues(request.staff),
  }));

  app.post("/consultations/:id/colleague-invitations", { schema: { params: idParams, body: invitationInputSchema, response: { 201: invitationSchema } } }, async (request, reply) =>
    reply.status(201).send(await deps.invitations.invite(request.staff, request.params.id, request.body)),
  );

  app.get("/consultations/:id/colleague-invitations", { schema: { params: idParams, response: { 200: invitationsSchema } } }, async (request) => ({
    invitations: await deps.invitations.forConsultation(request.staff, request.params.id),
  }));

  app.get("/colleague-invitations", { schema: { response: { 200: invitationsSchema } } }, async (request) => ({
    invitations: await deps.invitations.inbox(request.staff),
  }));

  app.post("/colleague-invitations/:id/accept", { schema: { params: idParams, response: { 200: invitationSchema } } }, async (request) =>
    deps.invitations.accept(request.staff, request.params.id),
  );

  app.get("/colleague-invitations/:id/case", { schema: { params: idParams, response: { 200: colleagueCaseSchema } } }, async (request) =>
    deps.caseReader.read(request.staff, request.params.id),
  );

  // Bytes, like the treating doctor's file route (GET /consultations/:id/files/:fileId).
  app.get("/colleague-invitations/:id/files/:fileId", { schema: { params: fileParams, response: { 200: file("application/octet-stream", "The file, with its own content type (an image or a PDF)") } } }, async (request, reply) => {
    await deps.caseReader.authorizeFile(request.staff, request.params.id, request.params.fileId);
    const file = await deps.files.read(request.params.fileId);
    return sendStoredFile(reply, file);
  });

  app.post("/colleague-invitations/:id/answer", { schema: { params: idParams, body: answerInputSchema, response: { 200: invitationSchema } } }, async (request) =>
    deps.invitations.answer(request.staff, request.params.id, request.body),
  );

  app.post("/colleague-invitations/:id/withdraw", { schema: { params: idParams, response: { 200: invitationSchema } } }, async (request) =>
    deps.invitations.withdraw(request.staff, request.params.id),
  );

  // The protocol's author cites an answer of its consultation; the words are the stored ones, not the form's.
  app.post(
    "/protocols/:id/colleague-answers",
    { schema: { params: idParams, body: z.object({ invitationId: z.uuid() }), response: { 200: z.object({ id: z.uuid(), colleagueAnswers: z.array(colleagueAnswerSchema) }) } } },
    async (request) => {
      const doctor = await deps.access.protocol(request.staff, request.params.id);
      const protocol = await deps.protocols.load(request.params.id);
      const citation = await deps.invitations.citation(protocol.consultationId, request.body.invitationId);
      const { id, content } = await deps.protocols.citeColleague(doctor, request.params.id, citation);
      return { id, colleagueAnswers: content.colleagueAnswers };
    },
  );
};
