import { z } from "zod";
import { recordAudit } from "../audit/audit-log";
import { isUniqueViolation, type Db } from "../db/prisma";
import { notFound } from "../errors";
import type { PatientNotifier } from "../patients/patient-notifier";
import type { ConsoleEvents } from "../realtime/console-events";
import { formatReading, type ReadingKind } from "./reading";
import { effectiveThresholds, levelOf, severity, type Level } from "./thresholds";

/** Readings older than this when they arrive (a device syncing its memory) are stored but raise no alert. */
export const ALERT_MAX_AGE_MS = 6 * 3600_000;
/** An open alert closes after the metric has stayed normal this long; the next abnormal reading opens a new one. */
export const RESOLVE_AFTER_NORMAL_MS = 30 * 60_000;

export const alertStatusSchema = z.enum(["open", "acknowledged", "resolved"]);

export interface Alert {
  id: string;
  patientId: string;
  doctorId: string | null;
  metric: ReadingKind;
  level: Level;
  status: z.infer<typeof alertStatusSchema>;
  /** As the patient was told it, with the unit: "186/122 mmHg". */
  lastValue: string;
  readingsCount: number;
  openedAt: Date;
  lastAt: Date;
  acknowledgedAt: Date | null;
  resolvedAt: Date | null;
  /** The patient's latest consultation, how the console names a patient and opens their thread. */
  consultation: { id: string; number: number } | null;
}

type AlertRow = Awaited<ReturnType<Db["monitoringAlert"]["findUniqueOrThrow"]>>;

/**
 * Turns readings into alerts. One alert per patient and metric stays open (or acknowledged) while the
 * readings stay abnormal, so a run of fifty high readings is one alert; it escalates (and notifies again)
 * only when the level becomes critical, and closes after the metric has been normal for a while.
 */
export class AlertService {
  constructor(
    private readonly db: Db,
    private readonly notifier: PatientNotifier,
    private readonly events: ConsoleEvents,
  ) {}

  /**
   * Many requests' readings at once: three reads whatever the batch size (the open alerts come whole and are kept
   * up to date in memory), then one write per abnormal reading; a normal reading with no open alert writes nothing.
   * The in-memory alerts rely on one patient's jobs not running at once (workers/readings.worker.ts keeps them in
   * order within a worker process).
   */
  async evaluateMany(groups: Array<{ patientId: string; readingIds: string[] }>, now = new Date()): Promise<{ opened: number; escalated: number }> {
    const owner = new Map(groups.flatMap((g) => g.readingIds.map((id) => [id, g.patientId] as const)));
    const patientIds = [...new Set(groups.map((g) => g.patientId))];
    const [rows, plans, openAlerts] = await Promise.all([
      this.db.reading.findMany({ where: { id: { in: [...owner.keys()] } }, orderBy: { measuredAt: "asc" } }),
      this.db.monitoringPlan.findMany({ where: { patientId: { in: patientIds } } }),
      this.db.monitoringAlert.findMany({ where: { patientId: { in: patientIds }, openKey: { not: null } } }),
    ]);
    const planOf = new Map(plans.map((plan) => [plan.patientId, plan]));
    const open = new Map<string, AlertRow>(openAlerts.map((a) => [a.openKey!, a]));
    let opened = 0;
    let escalated = 0;
    for (const reading of rows) {
      const patientId = reading.patientId;
      if (owner.get(reading.id) !== patientId) continue;
      if (now.getTime() - reading.measuredAt.getTime() > ALERT_MAX_AGE_MS) continue;
      const plan = planOf.get(patientId);
      const level = levelOf(reading.kind, reading.value, reading.value2, effectiveThresholds(plan?.thresholds));
      const openKey = `${patientId}/${reading.kind}`;
      const current = open.get(openKey);
      if (level === "normal") {
        const still = current && (await this.recordNormal(current, reading.measuredAt));
        if (still) open.set(openKey, still);
        else open.delete(openKey);
        continue;
      }
      if (!current) {
        const doctorId = plan ? plan.doctorId : await this.lastDoctor(patientId);
        const created = await this.open(openKey, patientId, doctorId, reading, level);
        if (created) {
          open.set(openKey, created);
          opened++;
          await this.announce("alert.opened", created, reading.kind, level, formatReading(reading.kind, reading.value, reading.value2));
          continue;
        }
      }
      // Open here, or a moment ago by another job of the same patient (then read it).
      const alert = current ?? (await this.db.monitoringAlert.findUniqueOrThrow({ where: { openKey } }));
      const escalates = severity(level) > severity(alert.level as Level);
      const updated = await this.db.monitoringAlert.update({
        where: { id: alert.id },
        data: {
          readingsCount: { increment: 1 },
          lastReadingId: reading.id,
          lastValue: reading.value,
          lastValue2: reading.value2,
          lastAt: reading.measuredAt,
          // A late-arriving older reading does not undo a normal stretch that started after it.
          normalSince: alert.normalSince && alert.normalSince > reading.measuredAt ? alert.normalSince : null,
          ...(escalates ? { level, status: "open", acknowledgedAt: null, acknowledgedBy: null } : {}),
        },
      });
      open.set(openKey, updated);
      if (escalates) {
        escalated++;
        await this.announce("alert.escalated", alert, reading.kind, level, formatReading(reading.kind, reading.value, reading.value2));
      }
    }
    return { opened, escalated };
  }

  /** Without a monitoring plan, the doctor of the patient's latest consultation is responsible. */
  private async lastDoctor(patientId: string): Promise<string | null> {
    const last = await this.db.consultation.findFirst({ where: { patientId, doctorId: { not: null } }, orderBy: { createdAt: "desc" } });
    return last?.doctorId ?? null;
  }

  private async open(openKey: string, patientId: string, doctorId: string | null, reading: { id: string; kind: ReadingKind; value: number; value2: number | null; measuredAt: Date }, level: Level) {
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
      // Another job of the same patient opened it a moment ago: join that alert.
      if (isUniqueViolation(error)) return undefined;
      throw error;
    }
  }

  /** The alert as it stands after a normal reading, or undefined once the metric has been normal long enough to close it. */
  private async recordNormal(alert: AlertRow, at: Date): Promise<AlertRow | undefined> {
    if (!alert.normalSince || at < alert.normalSince) {
      return this.db.monitoringAlert.update({ where: { id: alert.id }, data: { normalSince: at } });
    }
    if (at.getTime() - alert.normalSince.getTime() >= RESOLVE_AFTER_NORMAL_MS) {
      await this.db.monitoringAlert.update({ where: { id: alert.id }, data: { status: "resolved", resolvedAt: at, openKey: null } });
      return undefined;
    }
    return alert;
  }

  private async announce(type: "alert.opened" | "alert.escalated", alert: AlertRow, kind: ReadingKind, level: Level, value: string) {
    await this.events.publish({ type, patientId: alert.patientId, doctorId: alert.doctorId });
    await this.notifier.notify(
      alert.patientId,
      (t) => ({ text: t(`alert.${level}`, { metric: t(`metric.${kind}`), value }), medical: true }),
      "monitoring",
    );
  }

  /** Alerts for the doctor's patients and those with no responsible doctor yet. */
  async list(doctorId: string, status?: Alert["status"], patientId?: string): Promise<Alert[]> {
    const rows = await this.db.monitoringAlert.findMany({
      where: { OR: [{ doctorId }, { doctorId: null }], ...(status ? { status } : {}), ...(patientId ? { patientId } : {}) },
      orderBy: { openedAt: "desc" },
      take: 500,
      include: latestConsultation,
    });
    await recordAudit(this.db, { actor: { type: "doctor", id: doctorId }, action: "alerts.list", entityType: "monitoring_alert", entityId: patientId ?? "*" });
    return rows.map(toAlert);
  }

  async acknowledge(doctorId: string, alertId: string, now = new Date()): Promise<Alert> {
    const row = await this.db.monitoringAlert.findUnique({ where: { id: alertId }, include: latestConsultation });
    if (!row) throw notFound("alert");
    const updated =
      row.status === "open"
        ? await this.db.monitoringAlert.update({
            where: { id: alertId },
            data: { status: "acknowledged", acknowledgedAt: now, acknowledgedBy: doctorId },
            include: latestConsultation,
          })
        : row;
    await recordAudit(this.db, { actor: { type: "doctor", id: doctorId }, action: "alert.acknowledge", entityType: "monitoring_alert", entityId: alertId });
    return toAlert(updated);
  }
}

const latestConsultation = {
  patient: { select: { consultations: { orderBy: { createdAt: "desc" as const }, take: 1, select: { id: true, number: true } } } },
};

const toAlert = (row: AlertRow & { patient: { consultations: Array<{ id: string; number: number }> } }): Alert => ({
  id: row.id,
  patientId: row.patientId,
  doctorId: row.doctorId,
  metric: row.metric as ReadingKind,
  level: row.level as Level,
  status: row.status,
  lastValue: formatReading(row.metric as ReadingKind, row.lastValue, row.lastValue2),
  readingsCount: row.readingsCount,
  openedAt: row.openedAt,
  lastAt: row.lastAt,
  acknowledgedAt: row.acknowledgedAt,
  resolvedAt: row.resolvedAt,
  consultation: row.patient.consultations[0] ?? null,
});
