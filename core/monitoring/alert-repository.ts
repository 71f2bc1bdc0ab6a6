import { recordAudit, type AuditEntry } from "../audit/audit-log";
import { isUniqueViolation, type Db } from "../db/prisma";
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

/** The patient's latest consultation, how the console names a patient and opens their thread. */
const latestConsultation = {
  patient: { select: { consultations: { orderBy: { createdAt: "desc" as const }, take: 1, select: { id: true, number: true } } } },
};

/** Monitoring alerts and what their evaluation reads (readings, plans, the last doctor) in Postgres. */
export class AlertRepository {
  constructor(private readonly db: Db) {}

  audit(entry: AuditEntry): Promise<void> {
    return recordAudit(this.db, entry);
  }

  /** Three reads for a whole batch: the readings (oldest first), the patients' plans, their open alerts. */
  async evaluationInput(readingIds: string[], patientIds: string[]) {
    const [readings, plans, openAlerts] = await Promise.all([
      this.db.reading.findMany({ where: { id: { in: readingIds } }, orderBy: { measuredAt: "asc" } }),
      this.db.monitoringPlan.findMany({ where: { patientId: { in: patientIds } } }),
      this.db.monitoringAlert.findMany({ where: { patientId: { in: patientIds }, openKey: { not: null } } }),
    ]);
    return { readings: readings.map((r) => ({ ...r, kind: r.kind as ReadingKind })), plans, openAlerts };
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

  /** Another abnormal reading joins the alert (and raises its level, re-opening it, when `escalateTo`). */
  join(alert: AlertRow, reading: StoredReading, normalSince: Date | null, escalateTo?: Level): Promise<AlertRow> {
    return this.db.monitoringAlert.update({
      where: { id: alert.id },
      data: {
        readingsCount: { increment: 1 },
        lastReadingId: reading.id,
        lastValue: reading.value,
        lastValue2: reading.value2,
        lastAt: reading.measuredAt,
        normalSince,
        ...(escalateTo ? { level: escalateTo, status: "open", acknowledgedAt: null, acknowledgedBy: null } : {}),
      },
    });
  }

  normalSince(alertId: string, at: Date): Promise<AlertRow> {
    return this.db.monitoringAlert.update({ where: { id: alertId }, data: { normalSince: at } });
  }

  async resolve(alertId: string, at: Date): Promise<void> {
    await this.db.monitoringAlert.update({ where: { id: alertId }, data: { status: "resolved", resolvedAt: at, openKey: null } });
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
