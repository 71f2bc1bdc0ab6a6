import { recordAudit } from "../audit/audit-log";
import type { Db, Tx } from "../db/prisma";
import type { StoredFiles } from "../files/stored-files";
import { addDays, type RetentionPeriods } from "./retention";

export interface SweepResult {
  deliveryCopies: number;
  unfinishedIntakes: number;
  patientsDestroyed: number;
}

const fileIdsOf = (attachments: unknown): string[] =>
  Array.isArray(attachments) ? attachments.flatMap((a: { fileId?: unknown }) => (typeof a?.fileId === "string" ? [a.fileId] : [])) : [];

/**
 * Removes what is past its retention period (core/rights/retention.ts). Each run is audited; the audit trail
 * itself is never deleted here (append-only, see README "Law").
 */
export class RetentionSweep {
  constructor(
    private readonly db: Db,
    private readonly files: StoredFiles,
    private readonly periods: RetentionPeriods,
  ) {}

  async run(now = new Date()): Promise<SweepResult> {
    const copiesBefore = addDays(now, -this.periods.delivery_copy.days);
    const deliveryCopies = (await this.db.outboxMessage.deleteMany({ where: { status: { in: ["sent", "failed"] }, createdAt: { lt: copiesBefore } } })).count;
    const intakesBefore = addDays(now, -this.periods.unfinished_intake.days);
    const unfinishedIntakes = (await this.db.intake.deleteMany({ where: { consultationId: null, updatedAt: { lt: intakesBefore } } })).count;
    const due = await this.db.patient.findMany({ where: { erasedAt: { not: null }, retainUntil: { lte: now } }, select: { id: true }, take: 100 });
    for (const { id } of due) await this.destroyPatient(id);
    const result = { deliveryCopies, unfinishedIntakes, patientsDestroyed: due.length };
    await recordAudit(this.db, { actor: { type: "system" }, action: "retention.sweep", entityType: "retention", entityId: now.toISOString().slice(0, 10), meta: { ...result } });
    return result;
  }

  /** An erased patient's kept record, past its period: every row, in foreign-key order, and the files. */
  private async destroyPatient(patientId: string): Promise<void> {
    const fileIds = await this.db.$transaction(async (tx) => {
      const files: string[] = [];
      const visits = (await tx.videoVisit.findMany({ where: { patientId }, select: { id: true } })).map((v) => v.id);
      const recordings = await tx.videoRecording.findMany({ where: { visitId: { in: visits } }, select: { storedFileId: true } });
      files.push(...recordings.flatMap((r) => (r.storedFileId ? [r.storedFileId] : [])));
      await tx.videoParticipantEvent.deleteMany({ where: { visitId: { in: visits } } });
      await tx.recordingConsent.deleteMany({ where: { visitId: { in: visits } } });
      await tx.videoRecording.deleteMany({ where: { visitId: { in: visits } } });
      await tx.videoVisit.deleteMany({ where: { patientId } });
      await tx.appointment.deleteMany({ where: { patientId } });
      const documents = await tx.clinicalDocument.findMany({ where: { patientId }, select: { fileId: true } });
      files.push(...documents.map((d) => d.fileId));
      await tx.clinicalDocument.deleteMany({ where: { patientId } });
      await tx.protocol.deleteMany({ where: { patientId } });
      await tx.intake.deleteMany({ where: { patientId } });
      await tx.outboxMessage.deleteMany({ where: { account: { patientId } } });
      const messages = await tx.message.findMany({ where: { consultation: { patientId } }, select: { attachments: true } });
      files.push(...messages.flatMap((m) => fileIdsOf(m.attachments)));
      await tx.message.deleteMany({ where: { consultation: { patientId } } });
      await tx.consultation.deleteMany({ where: { patientId } });
      await deletePatientRows(tx, patientId);
      await recordAudit(tx, { actor: { type: "system" }, action: "patient.destroy", entityType: "patient", entityId: patientId, meta: { files: files.length } });
      return files;
    });
    await this.files.remove(fileIds);
  }
}

async function deletePatientRows(tx: Tx, patientId: string) {
  const where = { patientId };
  await tx.labResult.deleteMany({ where: { order: { patientId } } });
  await tx.labOrder.deleteMany({ where });
  await tx.monitoringAlert.deleteMany({ where });
  await tx.reading.deleteMany({ where });
  await tx.monitoringPlan.deleteMany({ where });
  await tx.ingestionToken.deleteMany({ where });
  await tx.reminderOccurrence.deleteMany({ where });
  await tx.medicationSchedule.deleteMany({ where });
  await tx.reminderPreference.deleteMany({ where });
  await tx.inPersonVisit.deleteMany({ where });
  await tx.consent.deleteMany({ where });
  await tx.identityVerification.deleteMany({ where });
  await tx.accountSession.deleteMany({ where });
  await tx.accountLoginLink.deleteMany({ where });
  await tx.messengerAccount.deleteMany({ where });
  await tx.patient.delete({ where: { id: patientId } });
}
