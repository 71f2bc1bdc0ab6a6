import { z } from "zod";
import type { CareAccess } from "../access/care-access";
import type { AuditRepository } from "../audit/audit-repository";
import { AppError, notFound } from "../errors";
import type { FileContent, StoredFiles } from "../files/stored-files";
import type { StaffMember } from "../staff/staff-member";
import type { TranslationRepository, TranslationRequest } from "./translation-repository";

export const translationInputSchema = z.object({ text: z.string().trim().min(1).max(20_000) });

/** A request as the interpreter's list shows it: the document, never the patient or the consultation. */
export const interpreterItemSchema = z.object({
  id: z.uuid(),
  status: z.enum(["requested", "translated"]),
  fileName: z.string(),
  mimeType: z.string(),
  requestedAt: z.iso.datetime(),
  translatedAt: z.iso.datetime().nullable(),
});
export type InterpreterItem = z.infer<typeof interpreterItemSchema>;

/** A request as the doctor sees it in the thread: the original's id and, once done, the translation beside it. */
export const consultationTranslationSchema = z.object({
  id: z.uuid(),
  fileId: z.uuid(),
  status: z.enum(["requested", "translated"]),
  requestedAt: z.iso.datetime(),
  translatedAt: z.iso.datetime().nullable(),
  translation: z.string().nullable(),
});
export type ConsultationTranslation = z.infer<typeof consultationTranslationSchema>;

export type TranslationOutcome = { outcome: "requested" | "already"; number: number } | { outcome: "unknown" };

/**
 * Translations of the documents a patient sent for a second opinion. Interpreters are staff without a care
 * relationship: they see the documents they are asked to translate and nothing else of the patient, each
 * read audited; the translation is stored encrypted beside the original for the doctor.
 */
export class Translations {
  constructor(
    private readonly deps: {
      repo: TranslationRepository;
      files: StoredFiles;
      audit: AuditRepository;
      access: CareAccess;
      /** Tells the console the consultation changed (the doctor's thread shows the translation live). */
      onChange: (consultationId: string) => Promise<void>;
    },
  ) {}

  /** The patient asks for one of their second-opinion documents to be translated. */
  async request(patientId: string, fileId: string): Promise<TranslationOutcome> {
    const consultation = await this.deps.repo.consultationHolding(patientId, fileId);
    if (!consultation) return { outcome: "unknown" };
    const { request, created } = await this.deps.repo.create({ consultationId: consultation.id, patientId, fileId });
    if (!created) return { outcome: "already", number: consultation.number };
    await this.deps.audit.record({
      actor: { type: "patient", id: patientId },
      action: "translation.request",
      entityType: "translation_request",
      entityId: request.id,
      meta: { consultationId: consultation.id, fileId },
    });
    await this.deps.onChange(consultation.id);
    return { outcome: "requested", number: consultation.number };
  }

  async forInterpreter(staff: StaffMember): Promise<InterpreterItem[]> {
    const requests = await this.deps.repo.forInterpreter(interpreterOnly(staff));
    await this.audit(staff, "translation.list", "*", { ids: requests.map((r) => r.id) });
    return this.items(requests);
  }

  /** The document to translate, for the interpreter the request is open to. */
  async original(staff: StaffMember, requestId: string): Promise<FileContent> {
    const request = await this.interpreterRequest(staff, requestId);
    await this.audit(staff, "translation.original_read", requestId, { fileId: request.fileId });
    return this.deps.files.read(request.fileId);
  }

  async submit(staff: StaffMember, requestId: string, input: z.input<typeof translationInputSchema>, now = new Date()): Promise<InterpreterItem> {
    const { text } = translationInputSchema.parse(input);
    const request = await this.interpreterRequest(staff, requestId);
    if (request.status === "translated") throw new AppError("conflict", "this document is already translated");
    const original = (await this.deps.files.describe([request.fileId]))[0];
    const fileName = `translation-${original?.fileName.replace(/\.[^.]+$/, "") ?? request.fileId}.txt`;
    const fileId = await this.deps.files.save(Buffer.from(text, "utf8"), { mimeType: "text/plain; charset=utf-8", fileName });
    if (!(await this.deps.repo.complete(requestId, staff.interpreterId!, fileId, now))) {
      await this.deps.files.remove([fileId]);
      throw new AppError("conflict", "another interpreter has just translated this document");
    }
    await this.audit(staff, "translation.submit", requestId, { translationFileId: fileId });
    await this.deps.onChange(request.consultationId);
    const [item] = await this.items([(await this.deps.repo.byId(requestId))!]);
    return item!;
  }

  /** The consultation's requests with their translations, for a doctor in the patient's care (audited). */
  async forConsultation(staff: StaffMember, consultationId: string): Promise<ConsultationTranslation[]> {
    const doctor = await this.deps.access.consultationPatient(staff, consultationId);
    const requests = await this.deps.repo.forConsultation(consultationId);
    const result: ConsultationTranslation[] = [];
    for (const r of requests) {
      const translation = r.translationFileId ? (await this.deps.files.read(r.translationFileId)).bytes.toString("utf8") : null;
      result.push({ id: r.id, fileId: r.fileId, status: r.status, ...times(r), translation });
    }
    await this.deps.audit.record({
      actor: { type: "doctor", id: doctor.id },
      action: "translation.list",
      entityType: "consultation",
      entityId: consultationId,
      meta: { ids: requests.map((r) => r.id) },
    });
    return result;
  }

  private async items(requests: TranslationRequest[]): Promise<InterpreterItem[]> {
    const files = new Map((await this.deps.files.describe(requests.map((r) => r.fileId))).map((f) => [f.id, f]));
    return requests.map((r) => ({
      id: r.id,
      status: r.status,
      fileName: files.get(r.fileId)?.fileName ?? "",
      mimeType: files.get(r.fileId)?.mimeType ?? "",
      ...times(r),
    }));
  }

  /** Open to every interpreter while waiting; once translated, only to the one who translated it; never after erasure. */
  private async interpreterRequest(staff: StaffMember, requestId: string): Promise<TranslationRequest> {
    const interpreterId = interpreterOnly(staff);
    const request = await this.deps.repo.byId(requestId);
    if (!request || (request.status === "translated" && request.interpreterId !== interpreterId)) throw notFound("translation request");
    if ((await this.deps.repo.erased([request.patientId])).size) throw notFound("translation request");
    return request;
  }

  private audit(staff: StaffMember, action: string, entityId: string, meta: Record<string, unknown>) {
    return this.deps.audit.record({ actor: { type: "staff", id: staff.id }, action, entityType: "translation_request", entityId, meta });
  }
}

const times = (r: TranslationRequest) => ({ requestedAt: r.requestedAt.toISOString(), translatedAt: r.translatedAt?.toISOString() ?? null });

function interpreterOnly(staff: StaffMember): string {
  if (staff.role !== "interpreter" || !staff.interpreterId) throw new AppError("forbidden", "translations are for interpreters");
  return staff.interpreterId;
}
