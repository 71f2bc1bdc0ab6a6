import { recordAudit, type AuditEntry } from "../audit/audit-log";
import type { Db } from "../db/prisma";
import type { ReadingKind } from "./reading";

export interface MonitoringPlan {
  doctorId: string | null;
  /** The doctor's own thresholds as stored (thresholds.ts fills in the defaults). */
  thresholds: unknown;
}

export interface IngestionTokenRow {
  id: string;
  patientId: string;
  label: string | null;
  createdAt: Date;
  revokedAt: Date | null;
}

/** Monitoring plans, readings for charts and device tokens in Postgres (new readings: reading-repository.ts). */
export class MonitoringRepository {
  constructor(private readonly db: Db) {}

  audit(entry: AuditEntry): Promise<void> {
    return recordAudit(this.db, entry);
  }

  async patientExists(patientId: string): Promise<boolean> {
    return (await this.db.patient.count({ where: { id: patientId } })) > 0;
  }

  readingsBetween(patientId: string, from: Date, to: Date, kind?: ReadingKind) {
    return this.db.reading.findMany({
      where: { patientId, measuredAt: { gte: from, lte: to }, ...(kind ? { kind } : {}) },
      orderBy: { measuredAt: "asc" },
      select: { kind: true, value: true, value2: true, measuredAt: true, deviceId: true },
      take: 50_000,
    });
  }

  async plan(patientId: string): Promise<MonitoringPlan | undefined> {
    return (await this.db.monitoringPlan.findUnique({ where: { patientId }, select: { doctorId: true, thresholds: true } })) ?? undefined;
  }

  async setPlan(patientId: string, doctorId: string, thresholds: object): Promise<void> {
    await this.db.monitoringPlan.upsert({ where: { patientId }, create: { patientId, doctorId, thresholds }, update: { doctorId, thresholds } });
  }

  // ---- device tokens (only their hashes) ----

  createToken(data: { patientId: string; label: string | null; tokenHash: string; nightscoutHash: string }): Promise<IngestionTokenRow> {
    return this.db.ingestionToken.create({ data, select: { id: true, patientId: true, label: true, createdAt: true, revokedAt: true } });
  }

  tokensOf(patientId: string): Promise<Array<Omit<IngestionTokenRow, "patientId">>> {
    return this.db.ingestionToken.findMany({ where: { patientId }, orderBy: { createdAt: "desc" }, select: { id: true, label: true, createdAt: true, revokedAt: true } });
  }

  async token(id: string): Promise<IngestionTokenRow | undefined> {
    return (await this.db.ingestionToken.findUnique({ where: { id }, select: { id: true, patientId: true, label: true, createdAt: true, revokedAt: true } })) ?? undefined;
  }

  /** With its hashes, which name the token in the lookup caches. */
  revokeToken(id: string, at: Date): Promise<IngestionTokenRow & { tokenHash: string; nightscoutHash: string }> {
    return this.db.ingestionToken.update({
      where: { id },
      data: { revokedAt: at },
      select: { id: true, patientId: true, label: true, createdAt: true, revokedAt: true, tokenHash: true, nightscoutHash: true },
    });
  }

  /** Live tokens with one of these hashes (Bearer or Nightscout). */
  liveTokens(tokenHashes: string[], nightscoutHashes: string[]) {
    return this.db.ingestionToken.findMany({
      where: { revokedAt: null, OR: [{ tokenHash: { in: tokenHashes } }, { nightscoutHash: { in: nightscoutHashes } }] },
      select: { patientId: true, tokenHash: true, nightscoutHash: true },
    });
  }
}
