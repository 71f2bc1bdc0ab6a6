import { describe, expect, it } from "vitest";
import { hl7 } from "../../test/helpers/hl7-fixtures";
import { extractReports, interpretationOf, loincOf } from "./fhir-report";

describe("FHIR lab deliveries", () => {
  it("reads the HL7 lipids DiagnosticReport alone, with its contained Observations and computed flags", () => {
    const result = extractReports(hl7("diagnosticreport-lipids"));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [report] = result.reports;
    expect(loincOf(report!.report.code)).toBe("57698-3");
    expect(report!.observations.map((o) => [loincOf(o.code), o.valueQuantity?.value, interpretationOf(o).code])).toEqual([
      ["35200-5", 6.3, "H"],
      ["35217-9", 1.3, "N"],
      ["2085-9", 1.3, "L"],
      ["13457-7", 4.6, "H"],
    ]);
  });

  it("resolves results in a Bundle by fullUrl or type/id and keeps a sent flag", () => {
    const glucose = hl7("observation-glucose");
    const bundle = {
      resourceType: "Bundle",
      type: "collection",
      entry: [
        { fullUrl: "urn:uuid:aaa", resource: { resourceType: "DiagnosticReport", id: "r1", status: "final", code: { coding: [{ system: "http://loinc.org", code: "15074-8" }] }, result: [{ reference: "Observation/f001" }] } },
        { fullUrl: "urn:uuid:bbb", resource: glucose },
      ],
    };
    const result = extractReports(bundle);
    expect(result.ok && result.reports[0]!.observations.map((o) => interpretationOf(o))).toEqual([{ code: "H", abnormal: true }]);
  });

  it("names what is wrong with a malformed delivery", () => {
    expect(extractReports({ resourceType: "Patient" })).toEqual({ ok: false, reason: "expected a FHIR Bundle or DiagnosticReport" });
    const missing = extractReports({ resourceType: "DiagnosticReport", status: "final", code: {}, result: [{ reference: "Observation/x" }] });
    expect(missing).toEqual({ ok: false, reason: "result Observation/x is not in the delivery" });
    const bad = extractReports({ resourceType: "DiagnosticReport", code: {} });
    expect(bad.ok === false && bad.reason).toMatch(/malformed DiagnosticReport: status/);
  });
});
