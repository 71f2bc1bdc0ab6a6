import { z } from "zod";
import type { ReadingKind } from "./reading";

/**
 * Per-metric limits. `high`/`criticalHigh` trigger at or above the value, `low`/`criticalLow` below it.
 * Units are the canonical ones (mmHg, /min, mmol/L, %, kg).
 */
export const limitsSchema = z
  .object({
    criticalLow: z.number().positive().optional(),
    low: z.number().positive().optional(),
    high: z.number().positive().optional(),
    criticalHigh: z.number().positive().optional(),
  })
  .refine((l) => l.criticalLow === undefined || l.low === undefined || l.criticalLow <= l.low, "criticalLow must not exceed low")
  .refine((l) => l.high === undefined || l.criticalHigh === undefined || l.high <= l.criticalHigh, "high must not exceed criticalHigh")
  .refine((l) => l.low === undefined || l.high === undefined || l.low < l.high, "low must be below high");
export type Limits = z.infer<typeof limitsSchema>;

export const metrics = ["systolic", "diastolic", "heart_rate", "glucose", "spo2", "weight"] as const;
export type Metric = (typeof metrics)[number];

export const thresholdsSchema = z.object({
  systolic: limitsSchema.optional(),
  diastolic: limitsSchema.optional(),
  heart_rate: limitsSchema.optional(),
  glucose: limitsSchema.optional(),
  spo2: limitsSchema.optional(),
  weight: limitsSchema.optional(),
});
export type Thresholds = Required<{ [M in Metric]: Limits }>;

/**
 * Defaults until the doctor sets the patient's own:
 * - Blood pressure: ≥ 140/90 high (office threshold for hypertension, Russian clinical guideline
 *   "Артериальная гипертензия у взрослых" 2020 and 2018 ESC/ESH); ≥ 180/120 critical (hypertensive
 *   crisis / urgency, 2017 ACC/AHA and 2018 ESC/ESH).
 * - Glucose: < 3.9 mmol/L (70 mg/dL) low = level 1 hypoglycaemia, < 3.0 mmol/L (54 mg/dL) critical = level 2
 *   (ADA Standards of Care, section 6 "Glycemic Goals and Hypoglycemia"); > 13.9 mmol/L (250 mg/dL) high =
 *   level 2 hyperglycaemia of the international consensus on time in range (Battelino et al., Diabetes Care 2019).
 * - SpO2: < 92 % low, < 88 % critical (BTS guideline for oxygen use 2017: 94–98 % target, 88–92 % only for
 *   patients at risk of hypercapnia; NEWS2 scores ≤ 91 % as 3 points).
 * - Heart rate at rest: NEWS2 bands (Royal College of Physicians 2017): ≤ 40 and ≥ 131 score 3 → critical,
 *   41–50 and 111–130 → low/high.
 * - Weight: no default; a doctor sets limits for e.g. heart-failure patients.
 */
export const defaultThresholds: Thresholds = {
  systolic: { high: 140, criticalHigh: 180 },
  diastolic: { high: 90, criticalHigh: 120 },
  heart_rate: { criticalLow: 41, low: 51, high: 111, criticalHigh: 131 },
  glucose: { criticalLow: 3.0, low: 3.9, high: 13.9 },
  spo2: { criticalLow: 88, low: 92 },
  weight: {},
};

/** The doctor's values over the defaults, metric by metric (a metric the doctor set replaces the default whole). */
export function effectiveThresholds(custom: unknown): Thresholds {
  const parsed = thresholdsSchema.safeParse(custom ?? {});
  return { ...defaultThresholds, ...(parsed.success ? stripUndefined(parsed.data) : {}) };
}

const stripUndefined = <T extends object>(value: T) =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;

export type Level = "critical_low" | "low" | "normal" | "high" | "critical_high";
export const severity = (level: Level) => (level === "normal" ? 0 : level.startsWith("critical") ? 2 : 1);

export function classify(value: number, limits: Limits): Level {
  if (limits.criticalHigh !== undefined && value >= limits.criticalHigh) return "critical_high";
  if (limits.criticalLow !== undefined && value < limits.criticalLow) return "critical_low";
  if (limits.high !== undefined && value >= limits.high) return "high";
  if (limits.low !== undefined && value < limits.low) return "low";
  return "normal";
}

/** The alerting metric of a reading kind: blood pressure alerts once for both numbers, at the worse level. */
export function levelOf(kind: ReadingKind, value: number, value2: number | null | undefined, t: Thresholds): Level {
  if (kind !== "blood_pressure") return classify(value, t[kind]);
  const levels = [classify(value, t.systolic), classify(value2 ?? 0, t.diastolic)];
  return levels.sort((a, b) => severity(b) - severity(a))[0]!;
}
