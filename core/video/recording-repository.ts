import { recordAudit, type AuditEntry } from "../audit/audit-log";
import type { Db } from "../db/prisma";

export interface VideoRecording {
  id: string;
  visitId: string;
  egressId: string;
  status: string;
  storedFileId: string | null;
  startedAt: Date;
  endedAt: Date | null;
}

const recordingSelect = { id: true, visitId: true, egressId: true, status: true, storedFileId: true, startedAt: true, endedAt: true } as const;

/** Recording consents and recordings in Postgres. */
export class RecordingRepository {
  constructor(private readonly db: Db) {}

  audit(entry: AuditEntry): Promise<void> {
    return recordAudit(this.db, entry);
  }

  /** Withdraws the visit's consent and, when `agreed`, gives a new one of `version` (audited), in one transaction. */
  async replaceConsent(visitId: string, patientId: string, agreed: boolean, version: string): Promise<void> {
    await this.db.$transaction(async (tx) => {
      await tx.recordingConsent.updateMany({ where: { visitId, withdrawnAt: null }, data: { withdrawnAt: new Date() } });
      if (!agreed) return;
      const consent = await tx.recordingConsent.create({ data: { visitId, patientId, version } });
      await recordAudit(tx, {
        actor: { type: "patient", id: patientId },
        action: "consent.give",
        entityType: "recording_consent",
        entityId: consent.id,
        meta: { kind: "recording", version, visitId },
      });
    });
  }

  async hasConsent(visitId: string, version: string): Promise<boolean> {
    return (await this.db.recordingConsent.count({ where: { visitId, withdrawnAt: null, version } })) > 0;
  }

  create(visitId: string, egressId: string, startedById: string): Promise<VideoRecording> {
    return this.db.videoRecording.create({ data: { visitId, egressId, status: "active", startedById }, select: recordingSelect });
  }

  list(visitId: string, status?: "active"): Promise<VideoRecording[]> {
    return this.db.videoRecording.findMany({ where: { visitId, status }, orderBy: { startedAt: "asc" }, select: recordingSelect });
  }

  async byEgress(egressId: string): Promise<VideoRecording | undefined> {
    return (await this.db.videoRecording.findUnique({ where: { egressId }, select: recordingSelect })) ?? undefined;
  }

  async finish(recordingId: string, outcome: { status: "failed" } | { status: "stored"; storedFileId: string }): Promise<void> {
    await this.db.videoRecording.update({ where: { id: recordingId }, data: { ...outcome, endedAt: new Date() } });
  }
}
