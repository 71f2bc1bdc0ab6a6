import { describe, expect, it } from "vitest";
import { misTransaction } from "./mis-transaction";

const patient = { resourceType: "Patient", id: "p1", identifier: [{ system: "urn:telecons:patient", value: "p1" }] };
const composition = {
  resourceType: "Composition",
  id: "c2",
  subject: { reference: "Patient/p1" },
  section: [{ entry: [{ reference: "#assessment-1" }] }],
  relatesTo: [{ code: "replaces", targetReference: { reference: "Composition/c1" } }],
  author: [{ identifier: { system: "urn:telecons:doctor", value: "d1" } }],
  encounter: { reference: "Encounter/not-sent" },
};

describe("misTransaction", () => {
  const bundle = misTransaction(
    [
      { resource: patient, write: "update", match: patient.identifier[0]! },
      { resource: composition, write: "create", match: { system: "urn:telecons:consultation", value: "7/v2" } },
    ],
    { "Composition/c1": { system: "urn:telecons:consultation", value: "7/v1" } },
  );
  const [p, c] = bundle.entry as Array<{ fullUrl: string; resource: Record<string, unknown>; request: Record<string, string> }>;

  it("writes the patient as a conditional update and the version as a conditional create, without our ids", () => {
    expect(bundle).toMatchObject({ resourceType: "Bundle", type: "transaction" });
    expect(p).toMatchObject({ fullUrl: "urn:uuid:p1", request: { method: "PUT", url: "Patient?identifier=urn%3Atelecons%3Apatient%7Cp1" } });
    expect(c!.request).toEqual({ method: "POST", url: "Composition", ifNoneExist: "identifier=urn%3Atelecons%3Aconsultation%7C7%2Fv2" });
    expect(p!.resource.id).toBeUndefined();
    expect(c!.resource.id).toBeUndefined();
  });

  it("points references at entries' full urls, at earlier versions by identifier, and leaves contained and other references", () => {
    expect(c!.resource.subject).toEqual({ reference: "urn:uuid:p1" });
    expect(c!.resource.relatesTo).toEqual([{ code: "replaces", targetReference: { reference: "Composition?identifier=urn%3Atelecons%3Aconsultation%7C7%2Fv1" } }]);
    expect(c!.resource.section).toEqual([{ entry: [{ reference: "#assessment-1" }] }]);
    expect(c!.resource.encounter).toEqual({ reference: "Encounter/not-sent" });
    expect(c!.resource.author).toEqual(composition.author);
  });
});
