import { z } from "zod";
import { notFound } from "../errors";
import type { PatientNotifier } from "../patients/patient-notifier";
import type { ConsoleEvents } from "../realtime/console-events";
import type { AlertChange, AlertRepository, AlertRow, AlertWithConsultation } from "./alert-repository";
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

/**
 * Turns readings into alerts. One alert per patient and metric stays open (or acknowledged) while the
 * readings stay abnormal, so a run of fifty high readings is one alert; it escalates (and notifies again)
 * only when the level becomes critical, and closes after the metric has been normal for a while.
 */
export class AlertService {
  constructor(
    private readonly repo: AlertRepository,
    private readonly notifier: PatientNotifier,
    private readonly events: ConsoleEvents,
  ) {}

  /**
   * Many requests' readings at once, set-based: three reads whatever the batch size (the open alerts come whole and
   * are kept up to date in memory), the changes to open alerts in one statement at the end, and an insert per alert
   * opened. The in-memory alerts rely on one patient's jobs not running at once (workers/readings.worker.ts keeps
   * them in order within a worker process).
   */
  async evaluateMany(groups: Array<{ patientId: string; readingIds: string[] }>, now = new Date()): Promise<{ opened: number; escalated: number }> {
    const owner = new Map(groups.flatMap((g) => g.readingIds.map((id) => [id, g.patientId] as const)));
    const patientIds = [...new Set(groups.map((g) => g.patientId))];
    const { readings: rows, plans, openAlerts } = await this.repo.evaluationInput([...owner.keys()], patientIds);
    const planOf = new Map(plans.map((plan) => [plan.patientId, plan]));
    const open = new Map<string, AlertRow>(openAlerts.map((a) => [a.openKey!, a]));
    const changes = new Map<string, AlertChange>();
    const change = (alert: AlertRow) => changes.get(alert.id) ?? changes.set(alert.id, { id: alert.id, joined: 0 }).get(alert.id)!;
    const flush = async () => {
      await this.repo.applyChanges([...changes.values()]);
      changes.clear();
    };
    // Escalations are announced once their change is written, so the console refetches the new level.
    const escalations: Array<() => Promise<void>> = [];
    let opened = 0;
    for (const reading of rows) {
      const patientId = reading.patientId;
      if (owner.get(reading.id) !== patientId) continue;
      if (now.getTime() - reading.measuredAt.getTime() > ALERT_MAX_AGE_MS) continue;
      const plan = planOf.get(patientId);
      const level = levelOf(reading.kind, reading.value, reading.value2, effectiveThresholds(plan?.thresholds));
      const openKey = `${patientId}/${reading.kind}`;
      const current = open.get(openKey);
      if (level === "normal") {
        if (!current) continue;
        if (!current.normalSince || reading.measuredAt < current.normalSince) {
          open.set(openKey, { ...current, normalSince: reading.measuredAt });
          change(current).normalSince = reading.measuredAt;
        } else if (reading.measuredAt.getTime() - current.normalSince.getTime() >= RESOLVE_AFTER_NORMAL_MS) {
          change(current).resolvedAt = reading.measuredAt;
          open.delete(openKey);
        }
        continue;
      }
      if (!current) {
        // An alert of this metric closed earlier in this job still holds the open key until its change is written.
        await flush();
        const doctorId = plan ? plan.doctorId : await this.repo.lastDoctor(patientId);
        const created = await this.repo.open(openKey, patientId, doctorId, reading, level);
        if (created) {
          open.set(openKey, created);
          opened++;
          await this.announce("alert.opened", created, reading.kind, level, formatReading(reading.kind, reading.value, reading.value2));
          continue;
        }
      }
      // Open here, or a moment ago by another job of the same patient (then read it).
      const alert = current ?? (await this.repo.openAlert(openKey));
      const escalates = severity(level) > severity(alert.level as Level);
      // A late-arriving older reading does not undo a normal stretch that started after it.
      const normalSince = alert.normalSince && alert.normalSince > reading.measuredAt ? alert.normalSince : null;
      const pending = change(alert);
      pending.joined++;
      pending.last = reading;
      if (normalSince !== alert.normalSince) pending.normalSince = normalSince;
      if (escalates) {
        pending.escalateTo = level;
        const value = formatReading(reading.kind, reading.value, reading.value2);
        escalations.push(() => this.announce("alert.escalated", alert, reading.kind, level, value));
      }
      open.set(openKey, {
        ...alert,
        readingsCount: alert.readingsCount + 1,
        lastReadingId: reading.id,
        lastValue: reading.value,
        lastValue2: reading.value2,
        lastAt: reading.measuredAt,
        normalSince,
        ...(escalates ? { level, status: "open" as const, acknowledgedAt: null, acknowledgedBy: null } : {}),
      });
    }
    await flush();
    for (const announce of escalations) await announce();
    return { opened, escalated: escalations.length };
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
    const rows = await this.repo.list(doctorId, status, patientId);
    await this.repo.audit({ actor: { type: "doctor", id: doctorId }, action: "alerts.list", entityType: "monitoring_alert", entityId: patientId ?? "*" });
    return rows.map(toAlert);
  }

  async acknowledge(doctorId: string, alertId: string, now = new Date()): Promise<Alert> {
    const row = await this.repo.alert(alertId);
    if (!row) throw notFound("alert");
    const updated = row.status === "open" ? await this.repo.acknowledge(alertId, doctorId, now) : row;
    await this.repo.audit({ actor: { type: "doctor", id: doctorId }, action: "alert.acknowledge", entityType: "monitoring_alert", entityId: alertId });
    return toAlert(updated);
  }
}

const toAlert = (row: AlertWithConsultation): Alert => ({
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
