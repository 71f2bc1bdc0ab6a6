import { Queue, Worker, type ConnectionOptions, type Job } from "bullmq";
import { z } from "zod";
import type { Logger } from "../core/logger";
import type { AlertService } from "../core/monitoring/alerts";
import type { ReadingsQueue } from "../core/monitoring/reading-service";

export const READINGS_QUEUE = "readings";

/** Ids only: BullMQ keeps job data in clear text in Redis. */
const evaluateJobSchema = z.object({ patientId: z.uuid(), readingIds: z.array(z.uuid()).min(1).max(5000) });

export function createReadingsQueue(connection: ConnectionOptions, prefix: string): Queue & ReadingsQueue {
  const queue = new Queue(READINGS_QUEUE, { connection, prefix }) as Queue & ReadingsQueue;
  queue.enqueueEvaluation = async (patientId, readingIds) => {
    await queue.add("evaluate", evaluateJobSchema.parse({ patientId, readingIds }), {
      // Reading ids are new uuids, so the first one names the batch: a retried enqueue adds nothing.
      jobId: `rd-${readingIds[0]}`,
      attempts: 8,
      backoff: { type: "exponential", delay: 500 },
      removeOnComplete: true,
      removeOnFail: { age: 7 * 24 * 3600 },
    });
  };
  return queue;
}

/** Evaluates one batch of readings. Idempotent enough to run twice: it joins the open alert instead of opening another. */
export async function processEvaluate(job: Job, deps: { alerts: AlertService }) {
  const { patientId, readingIds } = evaluateJobSchema.parse(job.data);
  return deps.alerts.evaluate(patientId, readingIds);
}

export function startReadingsWorker(connection: ConnectionOptions, prefix: string, deps: { alerts: AlertService; logger: Logger }): Worker {
  const worker = new Worker(READINGS_QUEUE, (job) => processEvaluate(job, deps), { connection, prefix, concurrency: 16 });
  worker.on("failed", (job, error) => deps.logger.warn({ jobId: job?.id, err: error.message }, "readings evaluation failed"));
  return worker;
}
