import { recordAudit, type AuditEntry } from "../audit/audit-log";
import { isUniqueViolation, type Db } from "../db/prisma";
import type { Sql } from "../db/sql";
import type { ReadingKind } from "./reading";
import type { Level } from "./thresholds";

/** An alert as stored (the open one of a patient and metric holds `openKey`, which is unique). */
export type AlertRow = Awaited<ReturnType<Db["monitoringAlert"]["findUniqueOrThrow"]>>;
export type AlertWithConsultation = AlertRow & { patient: { consultations: Array<{ id: string; number: number }> } };

interface StoredReading {
  id: string;
  kind: ReadingKind;
  value: number;
  value2: number | null;
  measuredAt: Date;
}

/** What one evaluation job did to an open alert (AlertRepository.applyChanges). */
export interface AlertChange {
  id: string;
  /** Abnormal readings that joined it. */
  joined: number;
  /** The latest of them. */
  last?: StoredReading;
  /** Undefined: unchanged; null: the normal stretch was broken. */
  normalSince?: Date | null;
  escalateTo?: Level;
  resolvedAt?: Date;
}

/** The patient's latest consultation, how the console names a patient and opens their thread. */
const latestConsultation = {
  patient: { select: { consultations: { orderBy: { createdAt: "desc" as const }, take: 1, select: { id: true, number: true } } } },
};

/** Monitoring alerts and what their evaluation reads (readings, plans, the last doctor) in Postgres. */
export class AlertRepository {
  constructor(
    private readonly db: Db,
    /** The evaluation's reads and its one write per job go through plain `pg` (core/db/sql.ts says why). */
    private readonly sql: Sql,
  ) {}

  audit(entry: AuditEntry): Promise<void> {
    return recordAudit(this.db, entry);
  }

  /** Three reads for a whole batch: the readings (oldest first), the patients' plans, their open alerts. */
  async evaluationInput(readingIds: string[], patientIds: string[]) {
    const [readings, plans, openAlerts] = await Promise.all([
      this.sql.query<StoredReading & { patientId: string }>({
        name: "alerts-readings",
        text: `SELECT id, "patientId", kind::text, value, value2, "measuredAt" FROM "Reading" WHERE id = ANY($1::uuid[]) ORDER BY "measuredAt"`,
        values: [readingIds],
      }),
      this.sql.query<{ patientId: string; doctorId: string | null; thresholds: unknown }>({
        name: "alerts-plans",
        text: `SELECT "patientId", "doctorId", thresholds FROM "MonitoringPlan" WHERE "patientId" = ANY($1::uuid[])`,
        values: [patientIds],
      }),
      this.sql.query<AlertRow>({
        name: "alerts-open",
        text: `SELECT * FROM "MonitoringAlert" WHERE "patientId" = ANY($1::uuid[]) AND "openKey" IS NOT NULL`,
        values: [patientIds],
      }),
    ]);
    return { readings: readings.rows, plans: plans.rows, openAlerts: openAlerts.rows };
  }

  async lastDoctor(patientId: string): Promise<string | null> {
    const last = await this.db.consultation.findFirst({ where: { patientId, doctorId: { not: null } }, orderBy: { createdAt: "desc" }, select: { doctorId: true } });
    return last?.doctorId ?? null;
  }

  /** Opens the alert; undefined when another job of the same patient opened it a moment ago. */
  async open(openKey: string, patientId: string, doctorId: string | null, reading: StoredReading, level: Level): Promise<AlertRow | undefined> {
    try {
      return await this.db.monitoringAlert.create({
        data: {
          openKey,
          patientId,
          doctorId,
          metric: reading.kind,
          level,
          firstReadingId: reading.id,
          lastReadingId: reading.id,
          lastValue: reading.value,
          lastValue2: reading.value2,
          lastAt: reading.measuredAt,
        },
      });
    } catch (error) {
      if (isUniqueViolation(error)) return undefined;
      throw error;
    }
  }

  openAlert(openKey: string): Promise<AlertRow> {
    return this.db.monitoringAlert.findUniqueOrThrow({ where: { openKey } });
  }

  /**
   * A job's changes to open alerts, all in one statement: each alert's joined readings are added to its count, the
   * rest (last reading, normal stretch, a rise to a higher level re-opening it, closing) set as they stand at the end.
   * Acknowledgement is only touched by a rise, so a doctor acknowledging meanwhile is not overwritten.
   */
  async applyChanges(changes: AlertChange[]): Promise<void> {
    if (!changes.length) return;
    const column = <T>(pick: (c: AlertChange) => T) => changes.map(pick);
    const iso = (date: Date | null | undefined) => date?.toISOString() ?? null;
    await this.sql.query({
      name: "alerts-apply",
      text: `
        UPDATE "MonitoringAlert" a SET
          "readingsCount" = a."readingsCount" + t.joined,
          "lastReadingId" = COALESCE(t.reading, a."lastReadingId"),
          "lastValue" = CASE WHEN t.reading IS NULL THEN a."lastValue" ELSE t.value END,
          "lastValue2" = CASE WHEN t.reading IS NULL THEN a."lastValue2" ELSE t.value2 END,
          "lastAt" = COALESCE(t.at, a."lastAt"),
          "normalSince" = CASE WHEN t.set_normal THEN t.normal_since ELSE a."normalSince" END,
          level = COALESCE(t.level, a.level),
          status = (CASE WHEN t.resolved_at IS NOT NULL THEN 'resolved' WHEN t.level IS NOT NULL THEN 'open' ELSE a.status::text END)::"AlertStatus",
          "acknowledgedAt" = CASE WHEN t.level IS NOT NULL THEN NULL ELSE a."acknowledgedAt" END,
          "acknowledgedBy" = CASE WHEN t.level IS NOT NULL THEN NULL ELSE a."acknowledgedBy" END,
          "resolvedAt" = COALESCE(t.resolved_at, a."resolvedAt"),
          "openKey" = CASE WHEN t.resolved_at IS NOT NULL THEN NULL ELSE a."openKey" END
        FROM unnest($1::uuid[], $2::int[], $3::uuid[], $4::float8[], $5::float8[], $6::timestamp[], $7::bool[], $8::timestamp[], $9::text[], $10::timestamp[])
          AS t(id, joined, reading, value, value2, at, set_normal, normal_since, level, resolved_at)
        WHERE a.id = t.id`,
      values: [
        column((c) => c.id),
        column((c) => c.joined),
        column((c) => c.last?.id ?? null),
        column((c) => c.last?.value ?? null),
        column((c) => c.last?.value2 ?? null),
        column((c) => iso(c.last?.measuredAt)),
        column((c) => c.normalSince !== undefined),
        column((c) => iso(c.normalSince)),
        column((c) => c.escalateTo ?? null),
        column((c) => iso(c.resolvedAt)),
      ],
    });
  }

  list(doctorId: string, status?: AlertRow["status"], patientId?: string): Promise<AlertWithConsultation[]> {
    return this.db.monitoringAlert.findMany({
      where: { OR: [{ doctorId }, { doctorId: null }], ...(status ? { status } : {}), ...(patientId ? { patientId } : {}) },
      orderBy: { openedAt: "desc" },
      take: 500,
      include: latestConsultation,
    });
  }

  async alert(alertId: string): Promise<AlertWithConsultation | undefined> {
    return (await this.db.monitoringAlert.findUnique({ where: { id: alertId }, include: latestConsultation })) ?? undefined;
  }

  acknowledge(alertId: string, doctorId: string, at: Date): Promise<AlertWithConsultation> {
    return this.db.monitoringAlert.update({
      where: { id: alertId },
      data: { status: "acknowledged", acknowledgedAt: at, acknowledgedBy: doctorId },
      include: latestConsultation,
    });
  }
}
