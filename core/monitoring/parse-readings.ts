import { z } from "zod";
import { normalise, readingKindSchema, type NewReading, type RawReading, type ReadingError } from "./reading";

/**
 * The three formats a device or app may speak, detected from the body's shape:
 * our own JSON batch, HL7 FHIR R4 Observations (one, an array or a Bundle), Nightscout `entries`.
 */
export interface ParsedBatch {
  format: "json" | "fhir" | "nightscout";
  readings: NewReading[];
  /** Index into the batch as sent (for a Bundle: the entry index). */
  errors: ReadingError[];
}

// ---- our own JSON ----

const ownReadingSchema = z.object({
  kind: readingKindSchema,
  value: z.number().optional(),
  systolic: z.number().optional(),
  diastolic: z.number().optional(),
  unit: z.string().max(32).optional(),
  at: z.iso.datetime({ offset: true }),
  deviceId: z.string().min(1).max(128).optional(),
});
export const ownBatchSchema = z.object({
  deviceId: z.string().min(1).max(128).default("default"),
  readings: z.array(z.unknown()).min(1).max(5000),
});
export type OwnReading = z.infer<typeof ownReadingSchema>;

function parseOwn(body: unknown, now: Date): ParsedBatch {
  const batch = ownBatchSchema.parse(body);
  const result: ParsedBatch = { format: "json", readings: [], errors: [] };
  batch.readings.forEach((item, index) => {
    const parsed = ownReadingSchema.safeParse(item);
    if (!parsed.success) return result.errors.push({ index, error: zodMessage(parsed.error) });
    const r = parsed.data;
    const isBp = r.kind === "blood_pressure";
    const value = isBp ? r.systolic : r.value;
    if (value === undefined) return result.errors.push({ index, error: isBp ? "systolic and diastolic are required" : "value is required" });
    push(result, index, now, {
      deviceId: r.deviceId ?? batch.deviceId,
      kind: r.kind,
      value,
      value2: isBp ? (r.diastolic ?? Number.NaN) : undefined,
      unit: r.unit,
      measuredAt: new Date(r.at),
      source: "json",
    });
  });
  return result;
}

// ---- HL7 FHIR R4 Observation ----

const LOINC = "http://loinc.org";
const quantitySchema = z.object({ value: z.number(), unit: z.string().optional(), code: z.string().optional(), system: z.string().optional() });
const codeableSchema = z.object({ coding: z.array(z.object({ system: z.string().optional(), code: z.string().optional() })).optional() });
export const fhirObservationSchema = z.object({
  resourceType: z.literal("Observation"),
  id: z.string().optional(),
  status: z.string(),
  code: codeableSchema,
  effectiveDateTime: z.string().optional(),
  effectiveInstant: z.string().optional(),
  effectivePeriod: z.object({ start: z.string().optional() }).optional(),
  issued: z.string().optional(),
  valueQuantity: quantitySchema.optional(),
  component: z.array(z.object({ code: codeableSchema, valueQuantity: quantitySchema.optional() })).optional(),
  device: z.object({ reference: z.string().optional(), display: z.string().optional(), identifier: z.object({ value: z.string().optional() }).optional() }).optional(),
});
type FhirObservation = z.infer<typeof fhirObservationSchema>;

const loincCodes = (code: z.infer<typeof codeableSchema>) =>
  (code.coding ?? []).filter((c) => c.system === LOINC && c.code).map((c) => c.code!);

/** LOINC codes we take, with the unit to assume when a quantity carries none. */
const loincKinds: Record<string, { kind: RawReading["kind"]; defaultUnit?: string }> = {
  "85354-9": { kind: "blood_pressure" },
  "8867-4": { kind: "heart_rate" },
  "2339-0": { kind: "glucose", defaultUnit: "mg/dL" },
  "15074-8": { kind: "glucose", defaultUnit: "mmol/L" },
  "14743-9": { kind: "glucose", defaultUnit: "mmol/L" },
  "99504-3": { kind: "glucose", defaultUnit: "mg/dL" },
  "59408-5": { kind: "spo2" },
  "2708-6": { kind: "spo2" },
  "29463-7": { kind: "weight" },
  "3141-9": { kind: "weight" },
};

/** UCUM code first (it is the machine-readable one), the display unit otherwise. */
const unitOf = (q: z.infer<typeof quantitySchema>, fallback?: string) => q.code ?? q.unit ?? fallback;

function observationToRaw(obs: FhirObservation): RawReading | string {
  if (!["final", "amended", "corrected", "preliminary"].includes(obs.status)) return `status "${obs.status}" is not a usable measurement`;
  const codes = loincCodes(obs.code);
  const match = codes.map((code) => loincKinds[code]).find(Boolean);
  if (!match) return `LOINC code ${codes.join(",") || "(none)"} is not a supported reading`;
  const time = obs.effectiveDateTime ?? obs.effectiveInstant ?? obs.effectivePeriod?.start ?? obs.issued;
  if (!time) return "effective[x] is missing";
  const deviceId = obs.device?.identifier?.value ?? obs.device?.reference ?? obs.device?.display ?? "fhir";
  const base = { deviceId: deviceId.slice(0, 128), kind: match.kind, measuredAt: new Date(time), source: "fhir" as const };
  if (match.kind === "blood_pressure") {
    const component = (code: string) => obs.component?.find((c) => loincCodes(c.code).includes(code))?.valueQuantity;
    const systolic = component("8480-6");
    const diastolic = component("8462-4");
    if (!systolic || !diastolic) return "blood pressure panel needs components 8480-6 and 8462-4 with valueQuantity";
    const unit = unitOf(systolic);
    if (unitOf(diastolic) !== unit) return "systolic and diastolic units differ";
    return { ...base, value: systolic.value, value2: diastolic.value, unit };
  }
  if (!obs.valueQuantity) return "valueQuantity is missing";
  return { ...base, value: obs.valueQuantity.value, unit: unitOf(obs.valueQuantity, match.defaultUnit) };
}

function fhirResources(body: unknown): unknown[] {
  if (Array.isArray(body)) return body;
  const bundle = body as { resourceType?: string; entry?: Array<{ resource?: unknown }> };
  if (bundle.resourceType === "Bundle") return (bundle.entry ?? []).map((entry) => entry.resource);
  return [body];
}

function parseFhir(body: unknown, now: Date): ParsedBatch {
  const result: ParsedBatch = { format: "fhir", readings: [], errors: [] };
  fhirResources(body).forEach((resource, index) => {
    const parsed = fhirObservationSchema.safeParse(resource);
    if (!parsed.success) return result.errors.push({ index, error: `not a usable Observation: ${zodMessage(parsed.error)}` });
    const raw = observationToRaw(parsed.data);
    if (typeof raw === "string") return result.errors.push({ index, error: raw });
    push(result, index, now, raw);
  });
  return result;
}

// ---- Nightscout entries ----

export const nightscoutEntrySchema = z.object({
  type: z.string().default("sgv"),
  sgv: z.number().optional(),
  mbg: z.number().optional(),
  date: z.number().optional(),
  dateString: z.string().optional(),
  direction: z.string().optional(),
  device: z.string().max(128).optional(),
});

function parseNightscout(body: unknown, now: Date): ParsedBatch {
  const entries = Array.isArray(body) ? body : [body];
  const result: ParsedBatch = { format: "nightscout", readings: [], errors: [] };
  entries.forEach((item, index) => {
    const parsed = nightscoutEntrySchema.safeParse(item);
    if (!parsed.success) return result.errors.push({ index, error: zodMessage(parsed.error) });
    const entry = parsed.data;
    // Nightscout values are always mg/dL; `cal` records are sensor calibrations, not glucose.
    const value = entry.type === "sgv" ? entry.sgv : entry.type === "mbg" ? entry.mbg : undefined;
    if (value === undefined) return result.errors.push({ index, error: `entry type "${entry.type}" carries no glucose value` });
    const time = entry.date ?? (entry.dateString ? Date.parse(entry.dateString) : Number.NaN);
    push(result, index, now, {
      deviceId: entry.device ?? "nightscout",
      kind: "glucose",
      value,
      unit: "mg/dL",
      measuredAt: new Date(time),
      source: "nightscout",
    });
  });
  return result;
}

// ---- detection ----

export type ReadingFormat = ParsedBatch["format"];

export function detectFormat(body: unknown): ReadingFormat | undefined {
  const first = Array.isArray(body) ? body[0] : body;
  if (!first || typeof first !== "object") return undefined;
  if ("resourceType" in first) return "fhir";
  if ("readings" in first) return "json";
  if ("sgv" in first || "mbg" in first || "type" in first) return "nightscout";
  return undefined;
}

/** Parses a whole batch; a reading that fails is reported by index and the rest still go through. */
export function parseReadings(body: unknown, now = new Date(), format = detectFormat(body)): ParsedBatch | undefined {
  switch (format) {
    case "json":
      return parseOwn(body, now);
    case "fhir":
      return parseFhir(body, now);
    case "nightscout":
      return parseNightscout(body, now);
    default:
      return undefined;
  }
}

function push(result: ParsedBatch, index: number, now: Date, raw: RawReading) {
  const reading = normalise(raw, now);
  if (typeof reading === "string") result.errors.push({ index, error: reading });
  else result.readings.push(reading);
}

const zodMessage = (error: z.ZodError) =>
  error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`).join("; ");
