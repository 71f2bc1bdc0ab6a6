import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../test/helpers/harness";
import { processQueueUpdate, processReferralSlots, sweepQueues, videoQueue, type VideoWorkerDeps } from "./video.worker";
import { patientWithAccount } from "../test/helpers/patient-with-account";

let h: Harness;
let deps: VideoWorkerDeps;
beforeAll(async () => {
  h = await startHarness({}, { workers: false });
  const s = h.services;
  deps = { redis: s.redis, prefix: s.config.REDIS_PREFIX, video: s.video, notifier: s.notifier, recordings: s.recordings, referralOffer: s.referralOffer };
});
afterAll(async () => {
  await h?.close();
});

/** A Russian-speaking doctor on duty for `specialty`: with nobody on duty a patient is offered choices, not queued. */
const onDuty = async (specialty: string) => {
  const { doctor } = await h.services.doctors.create({ name: "Дежурный врач", specialties: [specialty], languages: ["ru"] });
  await h.db.dutyShift.create({ data: { doctorId: doctor.id, specialty, startsAt: new Date(Date.now() - 3600_000), endsAt: new Date(Date.now() + 3600_000) } });
};

const waiting = async (specialty: string) => {
  const patient = await patientWithAccount(h.db);
  const outcome = await h.services.video.requestVideo({ ...patient, specialty });
  if (outcome.kind !== "queued") throw new Error(`not queued: ${outcome.kind}`);
  return { ...patient, visitId: outcome.visitId };
};

describe("processQueueUpdate", () => {
  it("tells a waiting patient their new place once it changed, and only once", async () => {
    const specialty = `s${randomUUID().slice(0, 8)}`;
    await onDuty(specialty);
    const first = await waiting(specialty);
    const second = await waiting(specialty);
    // Each was told their place when they asked: nothing changed since.
    expect(await processQueueUpdate({ specialty, language: "ru" }, deps)).toBe(0);

    expect(await h.services.video.queue.leave(first.patientId, first.visitId)).toBe(true);
    const before = await h.db.outboxMessage.count({ where: { accountId: second.accountId } });
    expect(await processQueueUpdate({ specialty, language: "ru" }, deps)).toBe(1);
    expect(await h.db.outboxMessage.count({ where: { accountId: second.accountId } })).toBe(before + 1);
    expect(await h.services.video.queue.lastNotice(second.visitId)).toEqual(expect.objectContaining({ position: 1 }));
    expect(await processQueueUpdate({ specialty, language: "ru" }, deps)).toBe(0);
  });
});

describe("sweepQueues", () => {
  it("queues an update for every waiting queue", async () => {
    const specialty = `s${randomUUID().slice(0, 8)}`;
    await onDuty(specialty);
    await waiting(specialty);
    const queue = h.services.queues.open(videoQueue);
    await sweepQueues(queue, deps);
    const jobs = await queue.getJobs(["delayed", "waiting"]);
    expect(jobs.map((job) => job.data)).toContainEqual({ specialty, language: "ru" });
  });
});

describe("processReferralSlots", () => {
  it("offers a signed protocol's in-person slots to the patient, and nothing for a draft", async () => {
    const specialty = `s${randomUUID().slice(0, 8)}`;
    const patient = await patientWithAccount(h.db, "en");
    const { doctor } = await h.newDoctor();
    await h.services.slots.publish(doctor, { specialty, startsAt: "2027-05-01T07:00:00Z", endsAt: "2027-05-01T07:30:00Z", kind: "in_person", room: "5", address: "Main st 1" });
    const consultation = await h.db.consultation.create({ data: { ...patient, doctorId: doctor.id, kind: "async_chat", status: "closed" } });
    const protocol = (status: "draft" | "signed", version: number) =>
      h.db.protocol.create({
        data: {
          consultationId: consultation.id, patientId: patient.patientId, doctorId: doctor.id, version, status, primary: true,
          signedAt: status === "signed" ? new Date() : null,
          content: { referrals: [{ kind: "in_person_visit", target: "Cardiologist", specialty, tests: [] }] },
        },
      });
    const outbox = () => h.db.outboxMessage.findMany({ where: { accountId: patient.accountId } });
    expect(await processReferralSlots({ protocolId: (await protocol("draft", 1)).id }, deps)).toBe(0);
    expect(await outbox()).toHaveLength(0);

    expect(await processReferralSlots({ protocolId: (await protocol("signed", 2)).id }, deps)).toBe(1);
    const [offer] = await outbox();
    expect(JSON.stringify(offer!.payload)).toContain("Your doctor has referred you to an in-person visit: Cardiologist.");
    expect(JSON.stringify(offer!.payload)).toContain("room 5");
  });
});
