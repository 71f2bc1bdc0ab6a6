import { randomUUID } from "node:crypto";
import { UnrecoverableError } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FhirLabStandIn } from "../test/helpers/fhir-lab-stand-in";
import { startHarness, type Harness } from "../test/helpers/harness";
import { jobErrorPolicy } from "./job-queues";
import { processPull, processReferralOrders, type LabsWorkerDeps } from "./labs.worker";

let h: Harness;
let lab: FhirLabStandIn;
let deps: LabsWorkerDeps;
beforeAll(async () => {
  lab = await new FhirLabStandIn().start();
  const labId = `lab-${randomUUID().slice(0, 8)}`;
  h = await startHarness({ LABS_CONFIG: JSON.stringify([{ id: labId, name: "Pulled", delivery: { type: "pull", baseUrl: lab.baseUrl, intervalSeconds: 3600 } }]) }, { workers: false });
  deps = { labs: h.services.labs, directory: h.services.labDirectory, protocols: h.services.protocols, logger: h.services.logger };
});
afterAll(async () => {
  await h?.close();
  await lab?.stop();
});

describe("processPull", () => {
  it("stores a page of reports and moves the lab's cursor to the newest one, then asks only for later ones", async () => {
    const labId = h.services.labDirectory.pulling()[0]!.id;
    const at = new Date("2026-11-20T10:00:00.000Z");
    lab.publish({ resourceType: "DiagnosticReport", id: `r-${randomUUID()}`, status: "final", code: { coding: [{ system: "http://loinc.org", code: "2339-0" }] } }, [], at);
    expect(await processPull({ data: { labId } }, deps)).toEqual({ pages: 1, reports: 1 });
    // Matching no order, the report waits on the review list; the cursor moved all the same.
    expect(await h.services.labs.pulledUntil(labId)).toEqual(at);
    expect(await processPull({ data: { labId } }, deps)).toEqual({ pages: 1, reports: 0 });
    expect(lab.queries.at(-1)!.get("_lastUpdated")).toBe(`gt${at.toISOString()}`);
  });

  it("does nothing for a lab that is not pulled", async () => {
    expect(await processPull({ data: { labId: "no-such-lab" } }, deps)).toEqual({ pages: 0, reports: 0 });
  });
});

describe("processReferralOrders", () => {
  it("is not retried for a protocol that does not exist (the error policy)", async () => {
    await expect(jobErrorPolicy(() => processReferralOrders({ data: { protocolId: randomUUID() } }, deps))).rejects.toBeInstanceOf(UnrecoverableError);
  });
});
