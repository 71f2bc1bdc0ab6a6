import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ConsultationDesk } from "../../consultations/consultation-desk";
import { answerSchema, closeSchema, fileKindSchema, queueFilterSchema } from "../../consultations/desk-inputs";
import { AppError } from "../../errors";
import { checkUpload, describeRefusal } from "../../attachments/upload-check";
import type { Config } from "../../config";
import type { StoredFiles } from "../../files/stored-files";
import { queueItemSchema, threadMessageSchema, threadSchema } from "../../consultations/desk-views";
import { publicStaffSchema } from "../../staff/staff-member";
import { file, noContent, sendStoredFile } from "../responses";
import { requireRole } from "../staff-auth";
import { publicStaff } from "./console-auth";

const idParams = z.object({ id: z.uuid() });
const fileParams = z.object({ id: z.uuid(), fileId: z.uuid() });
const uploadSchema = z.object({
  fileName: z.string().trim().min(1).max(200),
  mimeType: z.enum(["image/jpeg", "image/png", "application/pdf"]),
  base64: z.string().min(1),
  /**
   * `medical` (results, reports, images of the patient: the default) or `leaflet` (instructions, the clinic's leaflets).
   * A medical file reaches a patient whose identity is not verified only through the account (issue 15 point 4).
   */
  kind: fileKindSchema.default("medical"),
});
const MAX_UPLOAD = 10 * 1024 * 1024;

/** The console's consultation api: the queue (operators too), the thread and its actions (doctors only). */
export const deskRoutes = (deps: { desk: ConsultationDesk; files: StoredFiles; config: Pick<Config, "UPLOAD_MAX_MEGAPIXELS"> }) => async (scope: FastifyInstance) => {
  const app = scope.withTypeProvider<ZodTypeProvider>();

  app.get("/me", { schema: { response: { 200: z.object({ staff: publicStaffSchema }) } } }, async (request) => ({ staff: publicStaff(request.staff) }));

  // Routing facts: doctors (their own queue), operators and admins; interpreters only ever see their calls.
  app.get("/consultations", { schema: { querystring: queueFilterSchema, response: { 200: z.object({ consultations: z.array(queueItemSchema) }) } } }, async (request) => {
    requireRole(request, "doctor", "operator", "admin");
    return { consultations: await deps.desk.queue(request.staff, request.query) };
  });

  app.get("/consultations/:id", { schema: { params: idParams, response: { 200: threadSchema } } }, async (request) => deps.desk.thread(request.staff, request.params.id));

  app.post("/consultations/:id/take", { schema: { params: idParams, response: { 204: noContent } } }, async (request, reply) => {
    await deps.desk.take(request.staff, request.params.id);
    return reply.status(204).send();
  });

  app.post("/consultations/:id/assign", { schema: { params: idParams, body: z.object({ doctorId: z.uuid() }), response: { 204: noContent } } }, async (request, reply) => {
    requireRole(request, "operator", "admin");
    await deps.desk.assign(request.staff, request.params.id, request.body.doctorId);
    return reply.status(204).send();
  });

  app.post("/consultations/:id/messages", { schema: { params: idParams, body: answerSchema, response: { 201: threadMessageSchema } } }, async (request, reply) =>
    reply.status(201).send(await deps.desk.answer(request.staff, request.params.id, request.body)),
  );

  app.post("/consultations/:id/close", { schema: { params: idParams, body: closeSchema, response: { 204: noContent } } }, async (request, reply) => {
    await deps.desk.close(request.staff, request.params.id, request.body);
    return reply.status(204).send();
  });

  // Files reach staff only through here: access checked, download audited, never cached by the browser.
  app.get("/consultations/:id/files/:fileId", { schema: { params: fileParams, response: { 200: file("application/octet-stream", "The file, with its own content type (an image or a PDF)") } } }, async (request, reply) => {
    await deps.desk.authorizeFile(request.staff, request.params.id, request.params.fileId);
    const file = await deps.files.read(request.params.fileId);
    return sendStoredFile(reply, file);
  });

  app.post("/files", { schema: { body: uploadSchema, response: { 201: z.object({ id: z.string() }) } }, bodyLimit: Math.ceil(MAX_UPLOAD * 1.4) }, async (request, reply) => {
    requireRole(request, "doctor");
    const bytes = Buffer.from(request.body.base64, "base64");
    if (!bytes.length || bytes.length > MAX_UPLOAD) throw new AppError("validation", "a file must be 1 byte to 10 MB");
    // The same check as a patient's file (core/attachments/upload-check.ts): the declared type must be the bytes' type.
    const limits = { maxPixels: deps.config.UPLOAD_MAX_MEGAPIXELS * 1_000_000 };
    const verdict = await checkUpload(bytes, limits, request.body.mimeType);
    if (!verdict.ok) throw new AppError("validation", describeRefusal(verdict, request.body.mimeType, limits));
    const { mimeType, fileName, kind } = request.body;
    const id = await deps.desk.keepFile(request.doctor, bytes, { mimeType, fileName, kind });
    return reply.status(201).send({ id });
  });
};
