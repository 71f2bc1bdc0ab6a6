import { recordAudit } from "../audit/audit-log";
import type { Db, Tx } from "../db/prisma";
import { fileIdsOf } from "./patient-erasure-repository";

/** What the retention sweep removes (core/rights/retention-sweep.ts). */
export class RetentionRepository {
  constructor(private readonly db: Db) {}

  /** Copies of messages delivered (or given up) before `before`; how many. */
  async deleteDeliveryCopies(before: Date): Promise<number> {
    return (await this.db.outboxMessage.deleteMany({ where: { status: { in: ["sent", "failed"] }, createdAt: { lt: before } } })).count;
  }

  /** Intakes that never led to a consultation, untouched since `before`; how many. */
  async deleteUnfinishedIntakes(before: Date): Promise<number> {
    return (await this.db.intake.deleteMany({ where: { consultationId: null, updatedAt: { lt: before } } })).count;
  }

  /** Erased patients whose kept record is past its period. */
  async pastRetention(now: Date, limit: number): Promise<string[]> {
    const rows = await this.db.patient.findMany({ where: { erasedAt: { not: null }, retainUntil: { lte: now } }, select: { id: true }, take: limit });
    return rows.map((row) => row.id);
  }

  /** Every row of the patient, in foreign-key order, with the audit row; the stored files to remove after the commit. */
  async destroyPatient(patientId: string): Promise<string[]> {
    return this.db.$transaction(async (tx) => {
      const files: string[] = [];
      const visits = (await tx.videoVisit.findMany({ where: { patientId }, select: { id: true } })).map((v) => v.id);
      const recordings = await tx.videoRecording.findMany({ where: { visitId: { in: visits } }, select: { storedFileId: true } });
      files.push(...recordings.flatMap((r) => (r.storedFileId ? [r.storedFileId] : [])));
      // A consilium's signed PDF is also its document's file: the list is deduplicated below.
      const consilia = await tx.consilium.findMany({ where: { patientId }, select: { id: true, pdfFileId: true } });
      files.push(...consilia.flatMap((c) => (c.pdfFileId ? [c.pdfFileId] : [])));
      await tx.consiliumParticipant.deleteMany({ where: { consiliumId: { in: consilia.map((c) => c.id) } } });
      await tx.consilium.deleteMany({ where: { patientId } });
      await tx.videoVisitGuest.deleteMany({ where: { visitId: { in: visits } } });
      await tx.videoParticipantEvent.deleteMany({ where: { visitId: { in: visits } } });
      await tx.recordingConsent.deleteMany({ where: { visitId: { in: visits } } });
      await tx.videoRecording.deleteMany({ where: { visitId: { in: visits } } });
      await tx.videoVisit.deleteMany({ where: { patientId } });
      await tx.appointment.deleteMany({ where: { patientId } });
      const documents = await tx.clinicalDocument.findMany({ where: { patientId }, select: { fileId: true } });
      files.push(...documents.map((d) => d.fileId));
      await tx.clinicalDocument.deleteMany({ where: { patientId } });
      await tx.prescriptionRenewal.deleteMany({ where: { patientId } });
      await tx.misPush.deleteMany({ where: { protocol: { patientId } } });
      await tx.protocol.deleteMany({ where: { patientId } });
      await tx.intake.deleteMany({ where: { patientId } });
      await tx.outboxMessage.deleteMany({ where: { account: { patientId } } });
      const translations = await tx.translationRequest.findMany({ where: { patientId }, select: { translationFileId: true } });
      files.push(...translations.flatMap((t) => (t.translationFileId ? [t.translationFileId] : [])));
      await tx.translationRequest.deleteMany({ where: { patientId } });
      const messages = await tx.message.findMany({ where: { consultation: { patientId } }, select: { attachments: true } });
      files.push(...messages.flatMap((m) => fileIdsOf(m.attachments)));
      await tx.message.deleteMany({ where: { consultation: { patientId } } });
      // The doctors-only part of the threads (questions to colleagues and their answers) goes with them.
      await tx.colleagueInvitation.deleteMany({ where: { patientId } });
      await tx.consultation.deleteMany({ where: { patientId } });
      await deletePatientRows(tx, patientId);
      const unique = [...new Set(files)];
      await recordAudit(tx, { actor: { type: "system" }, action: "patient.destroy", entityType: "patient", entityId: patientId, meta: { files: unique.length } });
      return unique;
    });
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
