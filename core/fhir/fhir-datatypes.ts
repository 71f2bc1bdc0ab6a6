import { LOINC } from "../labs/fhir-report";

/** A FHIR R4 resource as JSON; its shape is checked against the official R4 JSON schema in the tests. */
export type FhirResource = { resourceType: string; id: string } & Record<string, unknown>;

export const iso = (date: Date) => date.toISOString();
export const loinc = (code: string, display: string) => ({ coding: [{ system: LOINC, code, display }] });
export const meta = (lastUpdated: Date) => ({ lastUpdated: iso(lastUpdated) });
export const patientRef = (patientId: string) => ({ reference: `Patient/${patientId}` });
