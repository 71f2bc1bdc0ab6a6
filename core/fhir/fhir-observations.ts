import { LOINC, ORDER_IDENTIFIER_SYSTEM } from "../labs/fhir-report";
import { iso, loinc, meta, patientRef, type FhirResource } from "./fhir-datatypes";
import type { Rows } from "./fhir-repository";

const UCUM = "http://unitsofmeasure.org";
const OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";

/** LOINC and UCUM for each home reading, in the units readings are stored in (core/monitoring/reading.ts). */
const readingCodes = {
  heart_rate: { code: "8867-4", display: "Heart rate", unit: "/min", category: "vital-signs" },
  spo2: { code: "59408-5", display: "Oxygen saturation in Arterial blood by Pulse oximetry", unit: "%", category: "vital-signs" },
  weight: { code: "29463-7", display: "Body weight", unit: "kg", category: "vital-signs" },
  glucose: { code: "15074-8", display: "Glucose [Moles/volume] in Blood", unit: "mmol/L", category: "laboratory" },
} as const;
const quantity = (value: number, unit: string) => ({ value, unit, system: UCUM, code: unit });

export function readingObservation(row: Rows<"readings">): FhirResource {
  const base = {
    resourceType: "Observation",
    id: row.id,
    meta: meta(row.receivedAt),
    status: "final",
    subject: patientRef(row.patientId),
    effectiveDateTime: iso(row.measuredAt),
    issued: iso(row.receivedAt),
    device: { display: `${row.source}: ${row.deviceId}` },
  };
  if (row.kind === "blood_pressure") {
    return {
      ...base,
      category: [{ coding: [{ system: OBSERVATION_CATEGORY, code: "vital-signs" }] }],
      code: loinc("85354-9", "Blood pressure panel with all children optional"),
      component: [
        { code: loinc("8480-6", "Systolic blood pressure"), valueQuantity: quantity(row.value, "mm[Hg]") },
        ...(row.value2 !== null ? [{ code: loinc("8462-4", "Diastolic blood pressure"), valueQuantity: quantity(row.value2, "mm[Hg]") }] : []),
      ],
    };
  }
  const codes = readingCodes[row.kind];
  return {
    ...base,
    category: [{ coding: [{ system: OBSERVATION_CATEGORY, code: codes.category }] }],
    code: loinc(codes.code, codes.display),
    valueQuantity: quantity(row.value, codes.unit),
  };
}

export function labObservation(row: Rows<"labResults">): FhirResource {
  const range = row.refLow !== null || row.refHigh !== null || row.refText ? [{
    ...(row.refLow !== null ? { low: { value: row.refLow, ...(row.unit ? { unit: row.unit } : {}) } } : {}),
    ...(row.refHigh !== null ? { high: { value: row.refHigh, ...(row.unit ? { unit: row.unit } : {}) } } : {}),
    ...(row.refText ? { text: row.refText } : {}),
  }] : [];
  return {
    resourceType: "Observation",
    id: row.id,
    meta: meta(row.receivedAt),
    status: "final",
    category: [{ coding: [{ system: OBSERVATION_CATEGORY, code: "laboratory" }] }],
    code: { coding: [{ system: LOINC, code: row.code, ...(row.display ? { display: row.display } : {}) }] },
    subject: patientRef(row.patientId),
    ...(row.effectiveAt ? { effectiveDateTime: iso(row.effectiveAt) } : {}),
    issued: iso(row.issuedAt ?? row.receivedAt),
    // The unit as the laboratory wrote it: labs do not all send UCUM codes.
    ...(row.valueNumber !== null ? { valueQuantity: { value: row.valueNumber, ...(row.unit ? { unit: row.unit } : {}) } } : row.valueText ? { valueString: row.valueText } : {}),
    ...(row.interpretation
      ? { interpretation: [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", code: row.interpretation }] }] }
      : {}),
    ...(range.length ? { referenceRange: range } : {}),
  };
}

export function diagnosticReportResource(row: Rows<"reports">): FhirResource {
  const times = (pick: (r: Rows<"reports">["results"][number]) => Date | null) => row.results.map(pick).filter((d): d is Date => d !== null).map((d) => d.getTime());
  const lastUpdated = new Date(Math.max(...times((r) => r.receivedAt)));
  const effective = times((r) => r.effectiveAt);
  return {
    resourceType: "DiagnosticReport",
    id: row.id,
    meta: meta(lastUpdated),
    identifier: [{ system: ORDER_IDENTIFIER_SYSTEM, value: String(row.number) }],
    status: row.status === "completed" ? "final" : "partial",
    category: [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/v2-0074", code: "LAB", display: "Laboratory" }] }],
    code: loinc("11502-2", "Laboratory report"),
    subject: patientRef(row.patientId),
    ...(row.consultationId ? { encounter: { reference: `Encounter/${row.consultationId}` } } : {}),
    ...(effective.length ? { effectiveDateTime: iso(new Date(Math.min(...effective))) } : {}),
    issued: iso(new Date(Math.max(...times((r) => r.issuedAt ?? r.receivedAt)))),
    ...(row.labId ? { performer: [{ display: row.labId }] } : {}),
    result: row.results.map((r) => ({ reference: `Observation/${r.id}`, ...(r.display ? { display: r.display } : {}) })),
  };
}
