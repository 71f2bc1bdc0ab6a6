import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../test/helpers/harness";
import { processQueueUpdate, sweepQueues, videoQueue, type VideoWorkerDeps } from "./video.worker";
import { patientWithAccount } from "../test/helpers/patient-with-account";

let h: Harness;
let deps: VideoWorkerDeps;
beforeAll(async () => {
  h = await startHarness({}, { workers: false });
  const s = h.services;
  deps = { redis: s.redis, prefix: s.config.REDIS_PREFIX, video: s.video, notifier: s.notifier, recordings: s.recordings };
});
afterAll(async () => {
  await h?.close();
});

const waiting = async (specialty: string) => {
  const patient = await patientWithAccount(h.db);
  const outcome = await h.services.video.requestVideo({ ...patient, specialty });
  if (outcome.kind !== "queued") throw new Error(`not queued: ${outcome.kind}`);
  return { ...patient, visitId: outcome.visitId };
};

describe("processQueueUpdate", () => {
  it("tells a waiting patient their new place once it changed, and only once", async () => {
    const specialty = `s${randomUUID().slice(0, 8)}`;
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
    await waiting(specialty);
    const queue = h.services.queues.open(videoQueue);
    await sweepQueues(queue, deps);
    const jobs = await queue.getJobs(["delayed", "waiting"]);
    expect(jobs.map((job) => job.data)).toContainEqual({ specialty, language: "ru" });
  });
});
