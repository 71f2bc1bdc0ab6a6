import { Queue, UnrecoverableError, Worker, type ConnectionOptions, type Job } from "bullmq";
import { z } from "zod";
import type { Logger } from "../core/logger";
import type { AlertService } from "../core/monitoring/alerts";
import type { ReadingsQueue } from "../core/monitoring/reading-writer";

export const READINGS_QUEUE = "readings";

/** Ids only: BullMQ keeps job data in clear text in Redis. */
const groupSchema = z.object({ patientId: z.uuid(), readingIds: z.array(z.uuid()).min(1).max(5000) });
const evaluateJobSchema = z.object({ groups: z.array(groupSchema).min(1) });

/** The queue of alert evaluations: one job per write of core/monitoring/reading-writer.ts, which batches the requests. */
export function createReadingsQueue(connection: ConnectionOptions, prefix: string): Queue & ReadingsQueue {
  const queue = new Queue(READINGS_QUEUE, { connection, prefix }) as Queue & ReadingsQueue;
  queue.enqueueEvaluation = async (groups) => {
    await queue.add("evaluate", evaluateJobSchema.parse({ groups }), {
      // Reading ids are new uuids, so the first one names the job: a retried add adds nothing.
      jobId: `rd-${groups[0]!.readingIds[0]}`,
      attempts: 8,
      backoff: { type: "exponential", delay: 500 },
      removeOnComplete: true,
      removeOnFail: { age: 7 * 24 * 3600 },
    });
  };
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
