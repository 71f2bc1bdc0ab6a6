import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { z } from "zod";
import type { PatientNotifier } from "../core/patients/patient-notifier";
import { queueNames, redisKeys } from "../core/redis-keys";
import type { Recordings } from "../core/video/recording";
import type { ReferralSlotOffer } from "../core/video/referral-offer";
import { queueMessage } from "../core/video/video-buttons";
import type { VideoService } from "../core/video/video-service";
import { changedMaterially } from "../core/video/wait-estimate";
import type { QueueDeclaration } from "./job-queues";
const SWEEP_EVERY_MS = 60_000;

const safe = z.string().regex(/^[a-z0-9_-]+$/i);
/** Ids and routing facts only: job data sits in clear text in Redis. */
const queueUpdateSchema = z.object({ specialty: safe, language: safe });
const egressSchema = z.object({ egressId: z.string().min(1), location: z.string().optional() });
const referralSlotsSchema = z.object({ protocolId: z.uuid() });

/**
 * Every change adds a job (a jobId dedupe would drop a change that lands while the previous job runs);
 * the per-queue lock in `processQueueUpdate` keeps two of them from telling a patient the same thing twice.
 */
export async function enqueueQueueUpdate(queue: Queue, specialty: string, language: string, delay = 200): Promise<void> {
  const data = queueUpdateSchema.parse({ specialty, language });
  await queue.add("queue-update", data, { delay, removeOnComplete: true, removeOnFail: { age: 24 * 3600 } });
}

export async function enqueueEgress(queue: Queue, egressId: string, location: string | undefined): Promise<void> {
  await queue.add("egress", egressSchema.parse({ egressId, location }), {
    jobId: `eg-${egressId}`,
    attempts: 10,
    backoff: { type: "exponential", delay: 5000 },
    removeOnComplete: true,
    removeOnFail: { age: 7 * 24 * 3600 },
  });
}

/** A signed protocol's in-person referrals offer their slots to the patient; one job per signed protocol version. */
export async function enqueueReferralSlots(queue: Queue, protocolId: string): Promise<void> {
  await queue.add("referral-slots", referralSlotsSchema.parse({ protocolId }), {
    jobId: `referral-slots-${protocolId}`,
    attempts: 6,
    backoff: { type: "exponential", delay: 2000 },
    removeOnComplete: true,
    removeOnFail: { age: 7 * 24 * 3600 },
  });
}

export interface VideoWorkerDeps {
  redis: Redis;
  prefix: string;
  video: VideoService;
  notifier: PatientNotifier;
  recordings: Recordings;
  referralOffer: Pick<ReferralSlotOffer, "offer">;
}

/** Recomputes one queue and tells each waiting patient whose position or estimate changed materially. */
export async function processQueueUpdate(data: unknown, deps: VideoWorkerDeps, queue?: Queue): Promise<number> {
  const { specialty, language } = queueUpdateSchema.parse(data);
  const lock = redisKeys(deps.prefix).videoQueueLock(specialty, language);
  const owner = crypto.randomUUID();
  if ((await deps.redis.set(lock, owner, "PX", 30_000, "NX")) !== "OK") {
    // another job is on this queue right now: look again shortly, after it
    if (queue) await enqueueQueueUpdate(queue, specialty, language, 500);
    return 0;
  }
  try {
    return await tellChanges(specialty, language, deps);
  } finally {
    await deps.redis.eval(`if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`, 1, lock, owner);
  }
}

async function tellChanges(specialty: string, language: string, deps: VideoWorkerDeps): Promise<number> {
  const snapshot = await deps.video.queue.queueSnapshot(specialty, language);
  let told = 0;
  for (const status of snapshot) {
    if (!changedMaterially(await deps.video.queue.lastNotice(status.visitId), status)) continue;
    const patientId = await deps.video.queue.waitingPatient(status.visitId);
    if (!patientId) continue;
    await deps.video.queue.recordNotice(status);
    await deps.notifier.notify(patientId, (t) => queueMessage(t, status), "video");
    told++;
  }
  return told;
}

export async function processEgress(data: unknown, deps: VideoWorkerDeps) {
  const { egressId, location } = egressSchema.parse(data);
  return deps.recordings.storeEgressResult(egressId, location);
}

/** How many referrals were offered (none for a protocol without an in-person referral, or not signed). */
export async function processReferralSlots(data: unknown, deps: Pick<VideoWorkerDeps, "referralOffer">): Promise<number> {
  const { protocolId } = referralSlotsSchema.parse(data);
  return deps.referralOffer.offer(protocolId);
}

/** Every minute: time passes, so every queue is recomputed (a shift that starts changes estimates too). */
export async function sweepQueues(queue: Queue, deps: VideoWorkerDeps): Promise<void> {
  const keys = redisKeys(deps.prefix);
  for (const key of await deps.redis.keys(keys.videoQueuePattern)) {
    const [specialty, language] = keys.videoQueueOf(key);
    if (specialty && language) await enqueueQueueUpdate(queue, specialty, language);
  }
}

export const videoQueue: QueueDeclaration<VideoWorkerDeps> = {
  name: queueNames.video,
  concurrency: 4,
  async process(job, deps, _token, queue) {
    if (job.name === "queue-update") return processQueueUpdate(job.data, deps, queue);
    if (job.name === "egress") return processEgress(job.data, deps);
    if (job.name === "referral-slots") return processReferralSlots(job.data, deps);
    if (job.name === "sweep") return sweepQueues(queue, deps);
  },
  schedulers: [{ id: "video-sweep", everyMs: SWEEP_EVERY_MS, job: { name: "sweep", opts: { removeOnComplete: true, removeOnFail: 100 } } }],
};
