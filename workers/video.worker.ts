import { Queue, Worker, type ConnectionOptions, type Job } from "bullmq";
import type { Redis } from "ioredis";
import { z } from "zod";
import type { Db } from "../core/db/prisma";
import type { Logger } from "../core/logger";
import type { PatientNotifier } from "../core/patients/patient-notifier";
import type { EgressJobs } from "../core/video/livekit-webhooks";
import type { Recordings } from "../core/video/recording";
import { queueMessage } from "../core/video/video-buttons";
import type { QueueUpdates, VideoService } from "../core/video/video-service";
import { changedMaterially } from "../core/video/wait-estimate";
import type { SchedulerSpec } from "./schedulers";

export const VIDEO_QUEUE = "video";
const SWEEP_EVERY_MS = 60_000;

const safe = z.string().regex(/^[a-z0-9_-]+$/i);
/** Ids and routing facts only: job data sits in clear text in Redis. */
const queueUpdateSchema = z.object({ specialty: safe, language: safe });
const egressSchema = z.object({ egressId: z.string().min(1), location: z.string().optional() });

export function createVideoQueue(connection: ConnectionOptions, prefix: string): Queue {
  return new Queue(VIDEO_QUEUE, { connection, prefix });
}

/** The ports the domain sees, backed by the video queue. */
export const videoJobs = (queue: Queue): { queueUpdates: QueueUpdates; egressJobs: EgressJobs } => ({
  queueUpdates: { enqueue: (specialty, language) => enqueueQueueUpdate(queue, specialty, language) },
  egressJobs: { enqueue: (egressId, location) => enqueueEgress(queue, egressId, location) },
});

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

export interface VideoWorkerDeps {
  db: Db;
  redis: Redis;
  prefix: string;
  video: VideoService;
  notifier: PatientNotifier;
  recordings: Recordings;
  logger: Logger;
}

/** Recomputes one queue and tells each waiting patient whose position or estimate changed materially. */
export async function processQueueUpdate(data: unknown, deps: VideoWorkerDeps, queue?: Queue): Promise<number> {
  const { specialty, language } = queueUpdateSchema.parse(data);
  const lock = `${deps.prefix}:video:q-lock:${specialty}:${language}`;
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
  const snapshot = await deps.video.queueSnapshot(specialty, language);
  let told = 0;
  for (const status of snapshot) {
    if (!changedMaterially(await deps.video.lastNotice(status.visitId), status)) continue;
    const visit = await deps.db.videoVisit.findUnique({ where: { id: status.visitId }, select: { patientId: true, status: true } });
    if (!visit || visit.status !== "waiting") continue;
    await deps.video.recordNotice(status);
    await deps.notifier.notify(visit.patientId, (t) => queueMessage(t, status), "video");
    told++;
  }
  return told;
}

export async function processEgress(data: unknown, deps: VideoWorkerDeps) {
  const { egressId, location } = egressSchema.parse(data);
  return deps.recordings.storeEgressResult(egressId, location);
}

/** Every minute: time passes, so every queue is recomputed (a shift that starts changes estimates too). */
export async function sweepQueues(queue: Queue, deps: VideoWorkerDeps): Promise<void> {
  const keys = await deps.redis.keys(`${deps.prefix}:video:q:*`);
  for (const key of keys) {
    const [specialty, language] = key.slice(`${deps.prefix}:video:q:`.length).split(":");
    if (specialty && language) await enqueueQueueUpdate(queue, specialty, language);
  }
}

export const videoSweep = (queue: Queue): SchedulerSpec => ({
  queue,
  id: "video-sweep",
  everyMs: SWEEP_EVERY_MS,
  job: { name: "sweep", opts: { removeOnComplete: true, removeOnFail: 100 } },
});

export function startVideoWorker(connection: Redis, prefix: string, queue: Queue, deps: VideoWorkerDeps): Worker {
  const worker = new Worker(
    VIDEO_QUEUE,
    async (job: Job) => {
      if (job.name === "queue-update") return processQueueUpdate(job.data, deps, queue);
      if (job.name === "egress") return processEgress(job.data, deps);
      if (job.name === "sweep") return sweepQueues(queue, deps);
    },
    { connection, prefix, concurrency: 4 },
  );
  worker.on("failed", (job, error) => deps.logger.warn({ err: error, job: job?.name }, "video job failed"));
  return worker;
}
