import { z } from "zod";

/**
 * The parts of HL7 FHIR R4 DiagnosticReport and Observation we read. Unknown fields pass through;
 * what we need must be there and well-typed, or the delivery goes to the review list.
 */
const coding = z.object({ system: z.string().optional(), code: z.string().optional(), display: z.string().optional() });
const codeable = z.object({ coding: z.array(coding).optional(), text: z.string().optional() });
const identifier = z.object({ system: z.string().optional(), value: z.string().optional() });
const reference = z.object({ reference: z.string().optional(), identifier: identifier.optional(), display: z.string().optional() });
const quantity = z.object({ value: z.number().optional(), unit: z.string().optional(), code: z.string().optional(), comparator: z.string().optional() });

export const fhirLabObservationSchema = z.object({
  resourceType: z.literal("Observation"),
  id: z.string().optional(),
  status: z.string(),
  code: codeable,
  subject: reference.optional(),
  basedOn: z.array(reference).optional(),
  effectiveDateTime: z.string().optional(),
  issued: z.string().optional(),
  valueQuantity: quantity.optional(),
  valueString: z.string().optional(),
  valueCodeableConcept: codeable.optional(),
  interpretation: z.array(codeable).optional(),
  referenceRange: z.array(z.object({ low: quantity.optional(), high: quantity.optional(), text: z.string().optional() })).optional(),
});
export type FhirLabObservation = z.infer<typeof fhirLabObservationSchema>;

export const fhirDiagnosticReportSchema = z.object({
  resourceType: z.literal("DiagnosticReport"),
  id: z.string().optional(),
  meta: z.object({ lastUpdated: z.string().optional() }).optional(),
  identifier: z.array(identifier).optional(),
  basedOn: z.array(reference).optional(),
  status: z.string(),
  code: codeable,
  subject: reference.optional(),
  effectiveDateTime: z.string().optional(),
  issued: z.string().optional(),
  result: z.array(reference).optional(),
  contained: z.array(z.unknown()).optional(),
  conclusion: z.string().optional(),
});
export type FhirDiagnosticReport = z.infer<typeof fhirDiagnosticReportSchema>;

const bundleSchema = z.object({
  resourceType: z.literal("Bundle"),
  entry: z.array(z.object({ fullUrl: z.string().optional(), resource: z.record(z.string(), z.unknown()).optional() })).optional(),
});

export const LOINC = "http://loinc.org";
/** Our identifiers, as labs are asked to echo them back. */
export const ORDER_IDENTIFIER_SYSTEM = "urn:telecons:lab-order";
export const PATIENT_IDENTIFIER_SYSTEM = "urn:telecons:patient";

export interface LabReport {
  report: FhirDiagnosticReport;
  observations: FhirLabObservation[];
}

export type ExtractResult = { ok: true; reports: LabReport[] } | { ok: false; reason: string };

/** Resolves `Observation/x`, a Bundle fullUrl or a contained `#x` among the resources we were given. */
function resolver(report: FhirDiagnosticReport, entries: Array<{ fullUrl?: string; resource: unknown }>) {
  const byRef = new Map<string, unknown>();
  for (const entry of entries) {
    const r = entry.resource as { resourceType?: string; id?: string };
    if (entry.fullUrl) byRef.set(entry.fullUrl, r);
    if (r?.resourceType && r.id) byRef.set(`${r.resourceType}/${r.id}`, r);
  }
  for (const c of report.contained ?? []) {
    const r = c as { id?: string };
    if (r.id) byRef.set(`#${r.id}`, c);
  }
  return (ref: string | undefined) => (ref ? (byRef.get(ref) ?? byRef.get(ref.replace(/^.*\/(Observation\/[^/]+)$/, "$1"))) : undefined);
}

/** A Bundle with DiagnosticReports and Observations, or a DiagnosticReport alone (results contained). */
export function extractReports(body: unknown): ExtractResult {
  const type = (body as { resourceType?: unknown })?.resourceType;
  let entries: Array<{ fullUrl?: string; resource: unknown }>;
  if (type === "Bundle") {
    const bundle = bundleSchema.safeParse(body);
    if (!bundle.success) return { ok: false, reason: `malformed Bundle: ${issues(bundle.error)}` };
    entries = (bundle.data.entry ?? []).filter((e) => e.resource).map((e) => ({ fullUrl: e.fullUrl, resource: e.resource }));
  } else if (type === "DiagnosticReport") {
    entries = [{ resource: body }];
  } else {
    return { ok: false, reason: "expected a FHIR Bundle or DiagnosticReport" };
  }
  const reports: LabReport[] = [];
  for (const entry of entries) {
    if ((entry.resource as { resourceType?: string }).resourceType !== "DiagnosticReport") continue;
    const parsed = fhirDiagnosticReportSchema.safeParse(entry.resource);
    if (!parsed.success) return { ok: false, reason: `malformed DiagnosticReport: ${issues(parsed.error)}` };
    const resolve = resolver(parsed.data, entries);
    const observations: FhirLabObservation[] = [];
    for (const ref of parsed.data.result ?? []) {
      const resource = resolve(ref.reference);
      if (!resource) return { ok: false, reason: `result ${ref.reference ?? "?"} is not in the delivery` };
      const obs = fhirLabObservationSchema.safeParse(resource);
      if (!obs.success) return { ok: false, reason: `malformed Observation ${ref.reference}: ${issues(obs.error)}` };
      observations.push(obs.data);
    }
    reports.push({ report: parsed.data, observations });
  }
  if (!reports.length) return { ok: false, reason: "no DiagnosticReport in the delivery" };
  return { ok: true, reports };
}

export const loincOf = (code: z.infer<typeof codeable>) => code.coding?.find((c) => c.system === LOINC && c.code)?.code;
export const displayOf = (code: z.infer<typeof codeable>) => code.text ?? code.coding?.find((c) => c.display)?.display;

const abnormalCodes = new Set(["H", "L", "HH", "LL", "A", "AA", "HU", "LU", "<", ">", "POS", "R"]);

/** The flag as sent (v3 ObservationInterpretation), else computed from the reference range. */
export function interpretationOf(obs: FhirLabObservation): { code: string | undefined; abnormal: boolean } {
  const sent = obs.interpretation?.flatMap((i) => i.coding ?? []).find((c) => c.code)?.code;
  if (sent) return { code: sent, abnormal: abnormalCodes.has(sent.toUpperCase()) };
  const value = obs.valueQuantity?.value;
  const range = obs.referenceRange?.[0];
  if (value === undefined || !range) return { code: undefined, abnormal: false };
  if (range.high?.value !== undefined && value > range.high.value) return { code: "H", abnormal: true };
  if (range.low?.value !== undefined && value < range.low.value) return { code: "L", abnormal: true };
  return { code: "N", abnormal: false };
}

const issues = (error: z.ZodError) => error.issues.slice(0, 3).map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
