import type { TFunction } from "i18next";
import { recordAudit } from "../audit/audit-log";
import { FileTooLargeError, type IncomingFile, type OutgoingMessage } from "../channels/channel";
import type { MessageAttachment } from "../channels/attachment";
import type { PatientMessageRepository } from "../consultations/patient-message-repository";
import type { FileReceiver } from "../dialogue/handlers";
import type { StoredFiles } from "../files/stored-files";
import { translator } from "../i18n";
import { reviewedFileName, secondOpinionReceipt } from "../second-opinion/second-opinion-receipt";
import type { PatientAccount } from "../patients/patient-repository";
import { checkUpload, defaultMaxMegapixels, megapixels } from "./upload-check";

/** Issue 3: up to 10 files of 10 MB each per consultation; issue 12: images up to UPLOAD_MAX_MEGAPIXELS. */
export const attachmentLimits = { maxFiles: 10, maxBytes: 10 * 1024 * 1024, maxPixels: defaultMaxMegapixels * 1_000_000 };

/**
 * Keeps a patient's photo or PDF (and, for a second opinion, DICOM) in their open consultation. The Dialogue calls it only after both consents;
 * every refusal says why in the patient's language and stores nothing.
 */
export class AttachmentReceiver implements FileReceiver {
  constructor(
    private readonly messages: PatientMessageRepository,
    private readonly files: StoredFiles,
    /** Told after the commit, so the console shows the file live (as for a patient's text). */
    private readonly onAttached: (consultationId: string) => Promise<void>,
    private readonly limits = attachmentLimits,
  ) {}

  async receive(account: PatientAccount, content: { file: IncomingFile; caption?: string }, _t: TFunction): Promise<OutgoingMessage[]> {
    const t = translator(account.language, "channels");
    const megabytes = Math.round(this.limits.maxBytes / 1024 / 1024);
    const refuse = (key: string, values: Record<string, unknown> = {}) => [{ text: t(key, { megabytes, count: this.limits.maxFiles, ...values }) }];
    const { file, caption } = content;
    if (file.declaredSize !== undefined && file.declaredSize > this.limits.maxBytes) return refuse("files.too_big");

    const consultation = await this.messages.openConsultation(account.patientId);
    if (!consultation) return refuse("files.complaint_first");
    if ((await this.messages.attachedFiles(consultation.id)) >= this.limits.maxFiles) return refuse("files.too_many");

    let bytes: Buffer;
    try {
      bytes = await file.download(this.limits.maxBytes);
    } catch (error) {
      if (error instanceof FileTooLargeError) return refuse("files.too_big");
      throw error;
    }
    // Scans are what a second opinion is often about; elsewhere a DICOM file is refused like any other type.
    const verdict = await checkUpload(bytes, this.limits, undefined, { dicom: consultation.kind === "second_opinion" });
    if (!verdict.ok && verdict.reason === "too_many_pixels") {
      const { width, height } = verdict;
      return refuse("files.too_many_pixels", { width, height, megapixels: megapixels(this.limits.maxPixels) });
    }
    if (!verdict.ok) return refuse("files.wrong_type");
    const { type } = verdict;

    const secondOpinion = consultation.kind === "second_opinion";
    const fileName = (secondOpinion && reviewedFileName(file.fileName, type.extension)) || `${type.kind}-${Date.now()}.${type.extension}`;
    // Files of one consultation are counted and stored one at a time (row lock), so two uploads at once
    // from the web chat cannot both be the tenth.
    const attached = await this.messages.transaction(async (messages, tx) => {
      await messages.lock(consultation.id);
      const count = await messages.attachedFiles(consultation.id);
      if (count >= this.limits.maxFiles) return undefined;
      const fileId = await this.files.save(bytes, { mimeType: type.mimeType, fileName });
      const attachment: MessageAttachment = { fileId, kind: type.kind, mimeType: type.mimeType, fileName, size: bytes.length };
      await messages.write(consultation, { text: caption ?? "", attachments: [attachment] });
      await recordAudit(tx, {
        actor: { type: "patient", id: account.patientId },
        action: "file.upload",
        entityType: "file",
        entityId: fileId,
        meta: { consultationId: consultation.id },
      });
      return { count: count + 1, attachment };
    });
    if (attached === undefined) return refuse("files.too_many");
    await this.onAttached(consultation.id);
    const progress = { number: consultation.number, count: attached.count, max: this.limits.maxFiles };
    if (secondOpinion) return secondOpinionReceipt(account.language, progress, attached.attachment);
    return [{ text: t("files.received", progress) }];
  }
}
