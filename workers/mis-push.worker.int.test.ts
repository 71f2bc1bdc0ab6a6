import { randomUUID } from "node:crypto";
import { DelayedError, UnrecoverableError } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Doctor } from "../core/doctors/doctors";
import { fhirSchemaErrors } from "../test/helpers/fhir-schema";
import { startHarness, type Harness } from "../test/helpers/harness";
import { MisStandIn } from "../test/helpers/mis-stand-in";
import { protocolFixture, signingDoctor } from "../test/helpers/protocol-fixture";
import { jobErrorPolicy } from "./job-queues";
import { processMisPush } from "./mis-push.worker";

let h: Harness;
let mis: MisStandIn;
let doctor: Doctor;

beforeAll(async () => {
  mis = await new MisStandIn().start();
  h = await startHarness({ MIS_FHIR_URL: mis.baseUrl, MIS_BEARER_TOKEN: mis.token, MIS_PUSH_ATTEMPTS: "3" }, { workers: false });
  doctor = await signingDoctor(h);
  // The R4 schema compiles once, in seconds: not inside a test's time.
  fhirSchemaErrors({ resourceType: "Bundle" });
}, 120_000);
afterAll(async () => {
  await h?.close();
  await mis?.stop();
});

const deps = () => ({ misPush: h.services.mis!.misPush, logger: h.services.logger });
/** A BullMQ job as the worker sees it: `attemptsMade` runs before this one, of `attempts`. */
const job = (protocolId: string, attemptsMade = 0) => {
  const delayed: number[] = [];
  return { delayed, data: { protocolId }, attemptsMade, opts: { attempts: 3 }, moveToDelayed: async (at: number) => void delayed.push(at) };
};
const run = (j: ReturnType<typeof job>) => jobErrorPolicy(() => processMisPush(j, "token", deps()));
const pushOf = (protocolId: string) => h.db.misPush.findUniqueOrThrow({ where: { protocolId } });

async function signedWithDocuments() {
  const fixture = await protocolFixture(h, doctor, "signed");
  await h.services.documents.produce(fixture.protocolId);
  return fixture;
}

describe("processMisPush", () => {
  it("waits for the signed PDFs without using an attempt", async () => {
    const { protocolId } = await protocolFixture(h, doctor, "signed");
    const first = job(protocolId);
    await expect(run(first)).rejects.toBeInstanceOf(DelayedError);
    expect(first.delayed).toHaveLength(1);
    expect(await pushOf(protocolId)).toMatchObject({ status: "pending", attempts: 0 });
  });

  it("sends one schema-valid transaction with the signed PDFs, retrying a 503, and never again once sent", async () => {
    const { protocolId, patientId, consultationNumber } = await signedWithDocuments();
    const before = mis.requests.length;
    mis.failNext(1);
    // The MIS's words go to the row, not to BullMQ's failure reason in Redis.
    await expect(run(job(protocolId, 0))).rejects.toThrow("MIS push failed (HTTP 503): its answer is in the review list");
    expect(await pushOf(protocolId)).toMatchObject({ status: "pending", attempts: 1, lastError: "MIS answered 503: the MIS is being updated, try later" });
    expect(await run(job(protocolId, 1))).toBe("sent");
    expect(await pushOf(protocolId)).toMatchObject({ status: "sent", attempts: 2, lastError: null });
    expect(await run(job(protocolId, 0))).toBe("already_sent");
    expect(mis.requests.slice(before).map((r) => r.status)).toEqual([503, 200]);
    expect(mis.requests.at(-1)).toMatchObject({ authorization: `Bearer ${mis.token}`, contentType: "application/fhir+json" });

    const [bundle] = mis.bundlesFor(`${consultationNumber}/v1`);
    expect(mis.bundlesFor(`${consultationNumber}/v1`)).toHaveLength(1);
    expect([...fhirSchemaErrors(bundle!), ...bundle!.entry.flatMap((e) => fhirSchemaErrors(e.resource))]).toEqual([]);
    expect(bundle!.entry.map((e) => [e.resource.resourceType, e.request.method])).toEqual([
      ["Patient", "PUT"], ["Encounter", "PUT"], ["Composition", "POST"], ["DocumentReference", "POST"], ["DocumentReference", "POST"],
    ]);
    expect(bundle!.entry[0]!.request.url).toBe(`Patient?identifier=${encodeURIComponent(`urn:telecons:patient|${patientId}`)}`);
    // References between entries point at their urn:uuid full urls (the MIS assigns its own ids).
    const composition = bundle!.entry[2]!;
    expect(composition.resource.subject).toEqual({ reference: bundle!.entry[0]!.fullUrl });
    expect(composition.resource.encounter).toEqual({ reference: bundle!.entry[1]!.fullUrl });
    expect(composition.request.ifNoneExist).toBe(`identifier=${encodeURIComponent(`urn:telecons:consultation|${consultationNumber}/v1`)}`);
    for (const entry of bundle!.entry.slice(3)) {
      const attachment = (entry.resource.content as Array<{ attachment: { data: string; contentType: string } }>)[0]!.attachment;
      expect(attachment.contentType).toBe("application/pdf");
      expect(Buffer.from(attachment.data, "base64").subarray(0, 5).toString()).toBe("%PDF-");
      expect((entry.resource.context as { related: unknown[] }).related).toEqual([{ reference: composition.fullUrl }]);
    }
    expect(await h.db.auditEvent.count({ where: { action: "mis.push", entityId: patientId } })).toBe(1);
  });

  it("puts a refused Bundle on the review list at once, and a 503 on the last attempt", async () => {
    const refused = await signedWithDocuments();
    mis.refuseNext(1, 422);
    await expect(run(job(refused.protocolId, 0))).rejects.toBeInstanceOf(UnrecoverableError);
    expect(await pushOf(refused.protocolId)).toMatchObject({ status: "failed", attempts: 1, lastError: "MIS answered 422: Composition.subject: unknown patient" });

    const unavailable = await signedWithDocuments();
    mis.failNext(1);
    await expect(run(job(unavailable.protocolId, 2))).rejects.toThrow(/503/);
    expect(await pushOf(unavailable.protocolId)).toMatchObject({ status: "failed", attempts: 1 });
    expect((await h.services.mis!.misPush.failures(500)).map((f) => f.protocolId)).toEqual(expect.arrayContaining([refused.protocolId, unavailable.protocolId]));
  });

  it("does nothing for a draft and stops for a protocol that does not exist", async () => {
    const { protocolId } = await protocolFixture(h, doctor, "draft");
    expect(await run(job(protocolId))).toBe("not_signed");
    await expect(run(job(randomUUID()))).rejects.toBeInstanceOf(UnrecoverableError);
    await expect(run(job("42"))).rejects.toThrow();
  });
});
