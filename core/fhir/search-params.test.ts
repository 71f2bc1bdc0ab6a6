import { describe, expect, it } from "vitest";
import { dateInterval, parseDateParameter, parseSearch } from "./search-params";
import { grantScopes, parseScope } from "./scopes";

const at = (iso: string) => new Date(iso);

describe("FHIR search parameters", () => {
  it("reads a date at its precision as the instants it covers", () => {
    expect(dateInterval("2026")).toEqual({ from: at("2026-01-01T00:00:00Z"), to: at("2027-01-01T00:00:00Z") });
    expect(dateInterval("2026-02")).toEqual({ from: at("2026-02-01T00:00:00Z"), to: at("2026-03-01T00:00:00Z") });
    expect(dateInterval("2026-12-31")).toEqual({ from: at("2026-12-31T00:00:00Z"), to: at("2027-01-01T00:00:00Z") });
    expect(dateInterval("2026-03-02T09:00+03:00")).toEqual({ from: at("2026-03-02T06:00:00Z"), to: at("2026-03-02T06:01:00Z") });
    expect(dateInterval("2026-03-02T09:00:05.250Z")).toEqual({ from: at("2026-03-02T09:00:05.250Z"), to: at("2026-03-02T09:00:05.251Z") });
    for (const bad of ["2026-13", "2026-02-30", "2026-03-02T09:00", "yesterday", ""]) expect(() => dateInterval(bad), bad).toThrow(/date/);
  });

  it("applies prefixes and narrows with each repetition", () => {
    expect(parseDateParameter(["ge2026-01"])).toEqual({ from: at("2026-01-01T00:00:00Z"), to: undefined });
    expect(parseDateParameter(["gt2026-01"])).toEqual({ from: at("2026-02-01T00:00:00Z"), to: undefined });
    expect(parseDateParameter(["le2026-01"])).toEqual({ from: undefined, to: at("2026-02-01T00:00:00Z") });
    expect(parseDateParameter(["lt2026-01"])).toEqual({ from: undefined, to: at("2026-01-01T00:00:00Z") });
    expect(parseDateParameter(["ge2026-01", "lt2026-03", "ge2026-02"])).toEqual({ from: at("2026-02-01T00:00:00Z"), to: at("2026-03-01T00:00:00Z") });
    expect(() => parseDateParameter(["sa2026-01"])).toThrow(/prefix "sa"/);
  });

  it("refuses parameters a type does not take and caps _count", () => {
    expect(parseSearch("Observation", { patient: "Patient/0b6a0d4e-5f0e-4a55-9a1e-2d9c1f6b7a10", _count: "1000" })).toMatchObject({
      patientId: "0b6a0d4e-5f0e-4a55-9a1e-2d9c1f6b7a10",
      count: 200,
      offset: 0,
    });
    expect(() => parseSearch("Patient", { date: "2026" })).toThrow(/"date" is not supported for Patient/);
    expect(() => parseSearch("Consent", { patient: "42" })).toThrow(/Patient id/);
    expect(() => parseSearch("Consent", { _count: "0" })).toThrow(/_count/);
  });
});

describe("SMART scopes", () => {
  it("reads v1 and v2 system scopes and refuses writes and unknown types", () => {
    expect(parseScope("system/Patient.read")).toEqual({ type: "Patient", read: true, search: true });
    expect(parseScope("system/*.rs")).toEqual({ type: "*", read: true, search: true });
    expect(parseScope("system/Observation.s")).toEqual({ type: "Observation", read: false, search: true });
    for (const scope of ["system/Patient.write", "system/Patient.cruds", "patient/Patient.read", "system/Medication.read"]) expect(parseScope(scope), scope).toBeNull();
  });

  it("grants only what the registered scopes cover", () => {
    expect(grantScopes(["system/Patient.rs", "system/Observation.read", "system/Consent.r"], ["system/Patient.read", "system/Consent.rs"])).toEqual([
      "system/Patient.rs",
      "system/Consent.r",
    ]);
    expect(grantScopes(["system/*.read"], ["system/Patient.read"])).toEqual([]);
    expect(grantScopes(["system/Encounter.read"], ["system/*.rs"])).toEqual(["system/Encounter.read"]);
  });
});
