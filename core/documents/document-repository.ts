import { z } from "zod";
import { recordAudit } from "../audit/audit-log";
import { messageAttachmentSchema } from "../channels/attachment";
import { isUniqueViolation, type Db } from "../db/prisma";
import type { ClinicalDocument } from "./clinical-document";

const attachmentsSchema = z.array(messageAttachmentSchema).catch([]);

export class DocumentRepository {
  constructor(private readonly db: Db) {}

  async forProtocol(protocolId: string): Promise<ClinicalDocument[]> {
    return (await this.db.clinicalDocument.findMany({ where: { protocolId }, orderBy: { createdAt: "asc" } })) as ClinicalDocument[];
  }

  async forPatient(patientId: string): Promise<ClinicalDocument[]> {
    return (await this.db.clinicalDocument.findMany({ where: { patientId }, orderBy: { createdAt: "desc" } })) as ClinicalDocument[];
  }

  async byId(documentId: string): Promise<ClinicalDocument | undefined> {
    return ((await this.db.clinicalDocument.findUnique({ where: { id: documentId } })) as ClinicalDocument | null) ?? undefined;
  }

  /** Stores the document with its audit row; a second run's copy of a kind already made is dropped. */
  async create(document: Omit<ClinicalDocument, "id" | "createdAt">): Promise<void> {
    try {
      const row = await this.db.clinicalDocument.create({ data: document });
      const meta = { protocolId: document.protocolId, kind: document.kind };
      await recordAudit(this.db, { actor: { type: "system" }, action: "document.create", entityType: "document", entityId: row.id, meta });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }

  /** What the documents name besides the protocol: the doctor, the patient's language, the version corrected. */
  async names(doctorId: string, patientId: string, previousId: string | null) {
    const [doctor, patient, previous] = await Promise.all([
      this.db.doctor.findUniqueOrThrow({ where: { id: doctorId }, select: { name: true } }),
      this.db.patient.findUniqueOrThrow({ where: { id: patientId }, select: { language: true } }),
      previousId ? this.db.protocol.findUnique({ where: { id: previousId }, select: { version: true } }) : null,
    ]);
    return { doctorName: doctor.name, patientLanguage: patient.language, previousVersion: previous?.version };
  }

  /** The consultation's kind (a second opinion yields its own document) and the names of the files the patient sent. */
  async consultationFacts(consultationId: string): Promise<{ kind: "async_chat" | "second_opinion"; patientFiles: string[] }> {
    const row = await this.db.consultation.findUniqueOrThrow({
      where: { id: consultationId },
      select: { kind: true, messages: { where: { authorRole: "patient" }, orderBy: { createdAt: "asc" }, select: { attachments: true } } },
    });
    const files = row.messages.flatMap((m) => attachmentsSchema.parse(m.attachments)).map((a) => a.fileName);
    return { kind: row.kind, patientFiles: files };
  }

  /** Claims the patient's notice of the protocol's documents: true for the one run that may send it. */
  async claimNotice(protocolId: string, now: Date): Promise<boolean> {
    const claimed = await this.db.protocol.updateMany({ where: { id: protocolId, notifiedAt: null }, data: { notifiedAt: now } });
    return claimed.count === 1;
  }

  async failureOf(protocolId: string): Promise<string | null> {
    const row = await this.db.protocol.findUnique({ where: { id: protocolId }, select: { documentsError: true } });
    return row?.documentsError ?? null;
  }

  async noteFailure(protocolId: string, reason: string | null): Promise<void> {
    await this.db.protocol.updateMany({ where: { id: protocolId }, data: { documentsError: reason } });
  }
}
