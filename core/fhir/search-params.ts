import { AppError } from "../errors";
import type { FhirResourceType } from "./scopes";

/** A half-open time interval `[from, to)`; either end may be open. */
export interface TimeRange {
  from?: Date;
  to?: Date;
}

export interface SearchQuery {
  patientId?: string;
  id?: string;
  date?: TimeRange;
  lastUpdated?: TimeRange;
  count: number;
  offset: number;
}

export const DEFAULT_COUNT = 50;
export const MAX_COUNT = 200;

/** Search parameters each type takes beyond `_lastUpdated`, `_count`, `_offset` and `_format`. */
export const searchParameters: Record<Exclude<FhirResourceType, "Binary">, string[]> = {
  Patient: ["_id"],
  Encounter: ["patient", "date"],
  Composition: ["patient", "date"],
  DocumentReference: ["patient", "date"],
  Observation: ["patient", "date"],
  DiagnosticReport: ["patient", "date"],
  Consent: ["patient", "date"],
};
const common = ["_lastUpdated", "_count", "_offset", "_format"];

const invalid = (message: string) => new AppError("validation", message);
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// FHIR dates: a year, a month, a day, or a time with seconds optional and a zone required.
const dateValue = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?)?)?$/;

/** The instants a FHIR date value covers: `2026-01` is all of January (UTC, as the value names no zone). */
export function dateInterval(value: string): Required<TimeRange> {
  const m = dateValue.exec(value);
  if (!m) throw invalid(`"${value}" is not a FHIR date (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm[:ss]+zone)`);
  const [, year, month, day, hour, , second, fraction] = m;
  if (hour !== undefined) {
    const from = new Date(value);
    if (Number.isNaN(from.getTime())) throw invalid(`"${value}" is not a valid date`);
    const step = fraction ? 1 : second ? 1000 : 60_000;
    return { from, to: new Date(from.getTime() + step) };
  }
  const y = Number(year);
  const mo = month ? Number(month) - 1 : 0;
  const d = day ? Number(day) : 1;
  const from = new Date(Date.UTC(y, mo, d));
  if (from.getUTCMonth() !== mo || from.getUTCDate() !== d) throw invalid(`"${value}" is not a valid date`);
  const to = day ? new Date(Date.UTC(y, mo, d + 1)) : month ? new Date(Date.UTC(y, mo + 1, 1)) : new Date(Date.UTC(y + 1, 0, 1));
  return { from, to };
}

const later = (a?: Date, b?: Date) => (!a ? b : !b ? a : a > b ? a : b);
const earlier = (a?: Date, b?: Date) => (!a ? b : !b ? a : a < b ? a : b);

/** `ge2026-01-01`, `lt2026-02`, … combined (each repetition narrows): the instants every one of them admits. */
export function parseDateParameter(values: string[]): TimeRange {
  let range: TimeRange = {};
  for (const raw of values) {
    const [, prefix = "eq", value = ""] = /^([a-z]{2})?(.*)$/.exec(raw)!;
    const { from, to } = dateInterval(value);
    const one = ({ eq: { from, to }, ge: { from }, gt: { from: to }, le: { to }, lt: { to: from } } as Record<string, TimeRange>)[prefix];
    if (!one) throw invalid(`date prefix "${prefix}" is not supported (eq, ge, gt, le, lt)`);
    range = { from: later(range.from, one.from), to: earlier(range.to, one.to) };
  }
  return range;
}

const integer = (name: string, value: string, min: number) => {
  if (!/^\d+$/.test(value) || Number(value) < min) throw invalid(`${name} must be a whole number from ${min}`);
  return Number(value);
};

const single = (name: string, values: string[]) => {
  if (values.length !== 1) throw invalid(`${name} may be given once`);
  return values[0]!;
};

/** Reads a search's query string; unknown parameters are refused (400) rather than silently ignored. */
export function parseSearch(type: Exclude<FhirResourceType, "Binary">, query: Record<string, string | string[] | undefined>): SearchQuery {
  const allowed = [...searchParameters[type], ...common];
  const result: SearchQuery = { count: DEFAULT_COUNT, offset: 0 };
  for (const [name, raw] of Object.entries(query)) {
    if (raw === undefined) continue;
    const values = [raw].flat();
    if (!allowed.includes(name)) throw invalid(`search parameter "${name}" is not supported for ${type} (supported: ${allowed.join(", ")})`);
    if (name === "patient" || name === "_id") {
      const id = single(name, values).replace(/^Patient\//, "");
      if (!uuid.test(id)) throw invalid(`${name} must be a ${name === "_id" ? "resource" : "Patient"} id`);
      if (name === "patient") result.patientId = id;
      else result.id = id;
    } else if (name === "date") result.date = parseDateParameter(values);
    else if (name === "_lastUpdated") result.lastUpdated = parseDateParameter(values);
    else if (name === "_count") result.count = Math.min(integer(name, single(name, values), 1), MAX_COUNT);
    else if (name === "_offset") result.offset = integer(name, single(name, values), 0);
    else if (name === "_format" && !/json/.test(single(name, values))) throw invalid("only JSON is served (_format=json)");
  }
  return result;
}
