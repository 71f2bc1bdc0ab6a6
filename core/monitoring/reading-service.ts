import { z } from "zod";
import type { Actor } from "../audit/audit-log";
import type { ProcessingConsent } from "../consents/processing-consent";
import { AppError, notFound } from "../errors";
import { parseReadings, type ReadingFormat } from "./parse-readings";
import { canonicalUnit, readingKinds, type ReadingError, type ReadingKind } from "./reading";
import type { MonitoringRepository } from "./monitoring-repository";
import type { ReadingWriter } from "./reading-repository";
import { effectiveThresholds, thresholdsSchema, type Thresholds } from "./thresholds";

export interface IngestResult {
  format: ReadingFormat;
  accepted: number;
  duplicates: number;
  rejected: ReadingError[];
}

export const chartWindowSchema = z.enum(["day", "week", "month"]);
export type ChartWindow = z.infer<typeof chartWindowSchema>;
const windowMs: Record<ChartWindow, number> = { day: 86_400_000, week: 7 * 86_400_000, month: 30 * 86_400_000 };

export interface ReadingPoint {
  at: Date;
  value: number;
  value2: number | null;
  deviceId: string;
}

export interface ReadingSeries {
  kind: ReadingKind;
  unit: string;
  points: ReadingPoint[];
}

export interface ReadingsChart {
  window: ChartWindow;
  from: Date;
  to: Date;
  series: ReadingSeries[];
  thresholds: Thresholds;
}

/** Stores readings (several requests' in one insert, see ReadingWriter) and hands them to the alert worker. */
export class ReadingService {
  private readonly requireConsent: (patientId: string) => Promise<void>;

  constructor(
    private readonly repo: MonitoringRepository,
    private readonly writer: ReadingWriter,
    consent: ProcessingConsent,
  ) {
    this.requireConsent = consent.shared("readings");
  }

  async ingest(patientId: string, body: unknown, format?: ReadingFormat, now = new Date()): Promise<IngestResult> {
    // A device keeps sending after its owner withdrew consent: it gets 403 with the reason, nothing is stored.
    await this.requireConsent(patientId);
    let batch;
    try {
      batch = parseReadings(body, now, format);
    } catch (error) {
      if (error instanceof z.ZodError) throw new AppError("validation", `not a readings batch: ${error.issues[0]?.message}`);
      throw error;
    }
    if (!batch) throw new AppError("validation", "unrecognised body: send a readings batch, FHIR Observations or Nightscout entries");
    const { readings, errors } = batch;
    const written = readings.length ? await this.writer.write(patientId, readings) : { accepted: 0, duplicates: 0 };
    return { format: batch.format, ...written, rejected: errors };
  }

  /** Readings of one patient for the console's charts, with the thresholds to draw. */
  async chart(doctorId: string, patientId: string, window: ChartWindow, to = new Date(), kind?: ReadingKind): Promise<ReadingsChart> {
    const from = new Date(to.getTime() - windowMs[window]);
    const [rows, plan] = await Promise.all([
      this.repo.readingsBetween(patientId, from, to, kind),
      this.repo.plan(patientId),
    ]);
    await this.repo.audit({
      actor: { type: "doctor", id: doctorId },
      action: "readings.read",
      entityType: "patient",
      entityId: patientId,
      meta: { window, kind: kind ?? null },
    });
    const series = readingKinds
      .filter((k) => !kind || k === kind)
      .map((k) => ({
        kind: k,
        unit: canonicalUnit[k],
        points: rows.filter((r) => r.kind === k).map((r) => ({ at: r.measuredAt, value: r.value, value2: r.value2, deviceId: r.deviceId })),
      }))
      .filter((s) => s.points.length > 0 || kind);
    return { window, from, to, series, thresholds: effectiveThresholds(plan?.thresholds) };
  }

  /** With an actor (the console), the read is audited; without, it is the service's own use. */
  async thresholds(patientId: string, actor?: Actor): Promise<{ thresholds: Thresholds; custom: unknown; doctorId: string | null }> {
    if (actor) await this.repo.audit({ actor, action: "thresholds.read", entityType: "patient", entityId: patientId });
    const plan = await this.repo.plan(patientId);
    return { thresholds: effectiveThresholds(plan?.thresholds), custom: plan?.thresholds ?? {}, doctorId: plan?.doctorId ?? null };
  }

  /** The doctor who sets a patient's thresholds becomes responsible for their alerts. */
  async setThresholds(doctorId: string, patientId: string, input: z.infer<typeof thresholdsSchema>) {
    if (!(await this.repo.patientExists(patientId))) throw notFound("patient");
    await this.repo.setPlan(patientId, doctorId, thresholdsSchema.parse(input));
    await this.repo.audit({ actor: { type: "doctor", id: doctorId }, action: "thresholds.update", entityType: "patient", entityId: patientId });
    return this.thresholds(patientId);
  }
}
