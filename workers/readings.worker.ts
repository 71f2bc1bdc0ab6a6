import { Queue, UnrecoverableError, Worker, type ConnectionOptions, type Job } from "bullmq";
import { z } from "zod";
import type { Logger } from "../core/logger";
import type { AlertService } from "../core/monitoring/alerts";
import type { ReadingsQueue } from "../core/monitoring/reading-service";

export const READINGS_QUEUE = "readings";
/** How long ingestion requests wait to share one evaluation job, and the most reading ids one job carries. */
const GATHER_MS = 10;
const MAX_IDS_PER_JOB = 2000;

/** Ids only: BullMQ keeps job data in clear text in Redis. */
const groupSchema = z.object({ patientId: z.uuid(), readingIds: z.array(z.uuid()).min(1).max(5000) });
const evaluateJobSchema = z.object({ groups: z.array(groupSchema).min(1) });
type Group = z.infer<typeof groupSchema>;

/**
 * The queue of alert evaluations. Requests arriving within a few milliseconds share one job (group commit):
 * each request's promise settles only once its job is in Redis, so an answered request is never unevaluated.
 */
export function createReadingsQueue(connection: ConnectionOptions, prefix: string): Queue & ReadingsQueue {
  const queue = new Queue(READINGS_QUEUE, { connection, prefix }) as Queue & ReadingsQueue;
  let pending: Array<{ group: Group; resolve: () => void; reject: (error: unknown) => void }> = [];
  let pendingIds = 0;
  let timer: NodeJS.Timeout | undefined;

  const flush = async () => {
    clearTimeout(timer);
    timer = undefined;
    const batch = pending;
    pending = [];
    pendingIds = 0;
    if (!batch.length) return;
    try {
      const groups = batch.map((p) => p.group);
      await queue.add("evaluate", evaluateJobSchema.parse({ groups }), {
        // Reading ids are new uuids, so the first one names the job: a retried add adds nothing.
        jobId: `rd-${groups[0]!.readingIds[0]}`,
        attempts: 8,
        backoff: { type: "exponential", delay: 500 },
        removeOnComplete: true,
        removeOnFail: { age: 7 * 24 * 3600 },
      });
      for (const p of batch) p.resolve();
    } catch (error) {
      for (const p of batch) p.reject(error);
    }
  };

  queue.enqueueEvaluation = (patientId, readingIds) =>
    new Promise<void>((resolve, reject) => {
      pending.push({ group: groupSchema.parse({ patientId, readingIds }), resolve, reject });
      pendingIds += readingIds.length;
      if (pendingIds >= MAX_IDS_PER_JOB) void flush();
      else timer ??= setTimeout(() => void flush(), GATHER_MS);
    });
  return queue;
}

/** Evaluates the readings of one job. Safe to run twice: it joins the open alert instead of opening another. */
export async function processEvaluate(job: Pick<Job, "data">, deps: { alerts: AlertService }) {
  const parsed = evaluateJobSchema.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError("malformed readings job");
  return deps.alerts.evaluateMany(parsed.data.groups);
}

export function startReadingsWorker(connection: ConnectionOptions, prefix: string, deps: { alerts: AlertService; logger: Logger }): Worker {
  const worker = new Worker(READINGS_QUEUE, (job) => processEvaluate(job, deps), { connection, prefix, concurrency: 8 });
  worker.on("failed", (job, error) => deps.logger.warn({ jobId: job?.id, err: error.message }, "readings evaluation failed"));
  return worker;
}
