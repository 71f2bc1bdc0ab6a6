import { describe, expect, it } from "vitest";
import { hl7 } from "../../test/helpers/hl7-fixtures";
import { detectFormat, parseReadings } from "./parse-readings";
import { formatReading, GLUCOSE_MGDL_PER_MMOL } from "./reading";

const now = new Date("2026-11-23T10:00:00Z");

describe("FHIR R4 Observations", () => {
  it("reads the HL7 example resources for every supported LOINC code, in canonical units", () => {
    const names = ["observation-blood-pressure", "observation-glucose", "observation-heart-rate", "observation-body-weight", "observation-satO2"];
    const batch = parseReadings({ resourceType: "Bundle", type: "collection", entry: names.map((n) => ({ resource: hl7(n) })) }, now)!;
    expect(batch.format).toBe("fhir");
    expect(batch.errors).toEqual([]);
    expect(batch.readings.map(({ kind, value, value2, deviceId }) => ({ kind, value, value2, deviceId }))).toEqual([
      { kind: "blood_pressure", value: 107, value2: 60, deviceId: "fhir" },
      { kind: "glucose", value: 6.3, value2: undefined, deviceId: "fhir" },
      { kind: "heart_rate", value: 44, value2: undefined, deviceId: "fhir" },
      // 185 [lb_av] × 0.45359237
      { kind: "weight", value: 83.9, value2: undefined, deviceId: "fhir" },
      { kind: "spo2", value: 95, value2: undefined, deviceId: "DeviceMetric/example" },
    ]);
    expect(batch.readings[1]!.measuredAt.toISOString()).toBe("2013-04-02T08:30:10.000Z");
  });

  it("converts glucose 2339-0 in mg/dL and takes a single resource or an array", () => {
    const obs = { ...hl7("observation-glucose"), code: { coding: [{ system: "http://loinc.org", code: "2339-0" }] }, valueQuantity: { value: 126, unit: "mg/dL", code: "mg/dL" } };
    const single = parseReadings(obs, now)!;
    expect(single.readings[0]!.value).toBe(Math.round((126 / GLUCOSE_MGDL_PER_MMOL) * 100) / 100);
    expect(parseReadings([obs, obs], now)!.readings).toHaveLength(2);
  });

  it("refuses wrong units, impossible values, unknown codes and unusable status, each with its own error", () => {
    const glucose = hl7("observation-glucose");
    const batch = parseReadings(
      [
        { ...glucose, valueQuantity: { value: 6.3, unit: "g/L", code: "g/L" } },
        { ...glucose, valueQuantity: { value: 90, code: "mmol/L" } },
        { ...glucose, code: { coding: [{ system: "http://loinc.org", code: "39156-5" }] } },
        { ...glucose, status: "entered-in-error" },
        { ...hl7("observation-blood-pressure"), component: [] },
        { resourceType: "Patient" },
        glucose,
      ],
      now,
    )!;
    expect(batch.readings).toHaveLength(1);
    expect(batch.errors.map((e) => e.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(batch.errors[0]!.error).toMatch(/unit "g\/L" is not accepted for glucose/);
    expect(batch.errors[1]!.error).toMatch(/outside the physiologically possible range/);
    expect(batch.errors[2]!.error).toMatch(/39156-5 is not a supported reading/);
    expect(batch.errors[3]!.error).toMatch(/entered-in-error/);
    expect(batch.errors[4]!.error).toMatch(/8480-6 and 8462-4/);
  });
});

describe("our JSON batch", () => {
  it("stores good readings and reports bad ones by index", () => {
    const batch = parseReadings(
      {
        deviceId: "omron-1",
        readings: [
          { kind: "blood_pressure", systolic: 150, diastolic: 95, at: "2026-11-23T09:00:00Z" },
          { kind: "blood_pressure", systolic: 80, diastolic: 120, at: "2026-11-23T09:01:00Z" },
          { kind: "glucose", value: 99, unit: "mg/dL", at: "2026-11-23T09:02:00Z" },
          { kind: "spo2", value: 140, at: "2026-11-23T09:03:00Z" },
          { kind: "heart_rate", value: 70, at: "2026-11-24T09:03:00Z" },
          { kind: "temperature", value: 37, at: "2026-11-23T09:03:00Z" },
        ],
      },
      now,
    )!;
    expect(batch.format).toBe("json");
    expect(batch.readings.map((r) => [r.kind, r.value, r.value2 ?? null, r.deviceId])).toEqual([
      ["blood_pressure", 150, 95, "omron-1"],
      ["glucose", 5.5, null, "omron-1"],
    ]);
    expect(batch.errors.map((e) => [e.index, e.error.split(" ").slice(0, 3).join(" ")])).toEqual([
      [1, "blood_pressure 80/120 mmHg"],
      [3, "spo2 140 %"],
      [4, "time is in"],
      [5, "kind: Invalid option:"],
    ]);
  });
});

describe("Nightscout entries", () => {
  it("takes sgv (always mg/dL) and mbg, refuses calibrations and impossible values", () => {
    const date = now.getTime() - 60_000;
    const batch = parseReadings(
      [
        { type: "sgv", sgv: 180, date, dateString: new Date(date).toISOString(), direction: "FortyFiveUp", device: "xDrip-DexcomG6" },
        { type: "mbg", mbg: 54, date: date - 1000 },
        { type: "cal", slope: 1000, date },
        { type: "sgv", sgv: 5, date },
      ],
      now,
    )!;
    expect(batch.format).toBe("nightscout");
    expect(batch.readings.map((r) => [r.value, r.deviceId])).toEqual([
      [9.99, "xDrip-DexcomG6"],
      [3, "nightscout"],
    ]);
    expect(batch.errors.map((e) => e.index)).toEqual([2, 3]);
  });

  it("detects the format from the body's shape", () => {
    expect(detectFormat([{ sgv: 100, date: 1 }])).toBe("nightscout");
    expect(detectFormat({ resourceType: "Bundle" })).toBe("fhir");
    expect(detectFormat({ readings: [] })).toBe("json");
    expect(detectFormat("hello")).toBeUndefined();
  });
});

it("formats readings for people", () => {
  expect(formatReading("blood_pressure", 185, 121)).toBe("185/121 mmHg");
  expect(formatReading("glucose", 2.8)).toBe("2.8 mmol/L");
  expect(formatReading("spo2", 87)).toBe("87%");
});
