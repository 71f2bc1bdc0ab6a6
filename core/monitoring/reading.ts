import { z } from "zod";

export const readingKinds = ["blood_pressure", "heart_rate", "glucose", "spo2", "weight"] as const;
export const readingKindSchema = z.enum(readingKinds);
export type ReadingKind = z.infer<typeof readingKindSchema>;

/** Every reading is stored in one canonical unit per kind. */
export const canonicalUnit: Record<ReadingKind, string> = {
  blood_pressure: "mmHg",
  heart_rate: "/min",
  glucose: "mmol/L",
  spo2: "%",
  weight: "kg",
};

/** mg/dL per mmol/L for glucose (molar mass 180.16 g/mol). */
export const GLUCOSE_MGDL_PER_MMOL = 18.016;

/** A reading as it will be stored: canonical units, one device, one instant. */
export interface NewReading {
  deviceId: string;
  kind: ReadingKind;
  value: number;
  /** Diastolic for blood pressure. */
  value2?: number;
  measuredAt: Date;
  source: "json" | "fhir" | "nightscout";
}

export interface ReadingError {
  index: number;
  error: string;
}

/** What a device sent, before units and plausibility are checked. */
export interface RawReading {
  deviceId: string;
  kind: ReadingKind;
  value: number;
  value2?: number;
  unit?: string;
  measuredAt: Date;
  source: NewReading["source"];
}

const unitFactors: Record<ReadingKind, Record<string, number>> = {
  blood_pressure: { "mmhg": 1, "mm[hg]": 1, "kpa": 7.50062 },
  heart_rate: { "/min": 1, "bpm": 1, "{beats}/min": 1, "beats/minute": 1, "/minute": 1, "1/min": 1 },
  glucose: { "mmol/l": 1, "mg/dl": 1 / GLUCOSE_MGDL_PER_MMOL },
  spo2: { "%": 1 },
  weight: { "kg": 1, "g": 0.001, "[lb_av]": 0.45359237, "lb": 0.45359237, "lbs": 0.45359237 },
};

/**
 * Outside these limits a value is a device or typing error, not a patient state, so it is refused
 * (limits are deliberately wider than anything survivable, so a real extreme still gets through and alerts).
 */
const plausible: Record<ReadingKind, { min: number; max: number; value2?: { min: number; max: number } }> = {
  blood_pressure: { min: 40, max: 300, value2: { min: 20, max: 200 } },
  heart_rate: { min: 20, max: 300 },
  // 1.1–45 mmol/L ≈ 20–810 mg/dL; CGMs report 39 mg/dL as "LOW" and 401 as "HIGH".
  glucose: { min: 1.1, max: 45 },
  spo2: { min: 50, max: 100 },
  weight: { min: 1, max: 400 },
};

/** A clock skew of a few minutes is normal; a reading from the future is not. */
const FUTURE_TOLERANCE_MS = 10 * 60_000;

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Converts to the canonical unit and checks plausibility; a string is the error to report for this reading. */
export function normalise(raw: RawReading, now = new Date()): NewReading | string {
  const unit = raw.unit ?? canonicalUnit[raw.kind];
  const factor = unitFactors[raw.kind][unit.trim().toLowerCase()];
  if (factor === undefined) {
    const accepted = Object.keys(unitFactors[raw.kind]).join(", ");
    return `unit "${unit}" is not accepted for ${raw.kind} (accepted: ${accepted})`;
  }
  if (!Number.isFinite(raw.value) || (raw.value2 !== undefined && !Number.isFinite(raw.value2))) return "value is not a number";
  if (Number.isNaN(raw.measuredAt.getTime())) return "time is not a valid date";
  if (raw.measuredAt.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) return "time is in the future";
  const digits = raw.kind === "glucose" ? 2 : 1;
  const value = round(raw.value * factor, digits);
  const value2 = raw.value2 === undefined ? undefined : round(raw.value2 * factor, digits);
  const limits = plausible[raw.kind];
  const shown = `${value}${value2 === undefined ? "" : `/${value2}`} ${canonicalUnit[raw.kind]}`;
  if (value < limits.min || value > limits.max) {
    return `${raw.kind} ${shown} is outside the physiologically possible range ${limits.min}–${limits.max} ${canonicalUnit[raw.kind]}`;
  }
  if (limits.value2) {
    if (value2 === undefined) return `${raw.kind} needs both systolic and diastolic values`;
    if (value2 < limits.value2.min || value2 > limits.value2.max || value2 >= value) {
      return `${raw.kind} ${shown} is not possible (diastolic ${limits.value2.min}–${limits.value2.max} and below systolic)`;
    }
  }
  return { deviceId: raw.deviceId, kind: raw.kind, value, value2, measuredAt: raw.measuredAt, source: raw.source };
}

/** How a reading is shown to people: `145/95 mmHg`, `6.2 mmol/L`. */
export function formatReading(kind: ReadingKind, value: number, value2?: number | null): string {
  const number = kind === "glucose" ? value.toFixed(1) : String(Math.round(value * 10) / 10);
  return `${number}${value2 == null ? "" : `/${Math.round(value2)}`}${kind === "spo2" ? "" : " "}${canonicalUnit[kind]}`;
}
