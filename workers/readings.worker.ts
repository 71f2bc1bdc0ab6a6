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
export async function processEvaluate(job: Pick<Job, "data">, deps: { alerts: AlertService }, inOrder = inPatientOrder()) {
  const parsed = evaluateJobSchema.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError("malformed readings job");
  const { groups } = parsed.data;
  return inOrder(groups.map((g) => g.patientId), () => deps.alerts.evaluateMany(groups));
}

/**
 * Jobs run eight at a time, but one patient's readings must be evaluated in the order their jobs were queued (an
 * alert opens, joins and closes by that sequence, and a device's next request is answered within milliseconds):
 * a job first waits for the earlier jobs of its patients in this process. Jobs start in queue order, and each
 * waits only for jobs started before it, so nothing waits in a circle.
 */
function inPatientOrder() {
  const last = new Map<string, Promise<unknown>>();
  return async <T>(patientIds: string[], evaluate: () => Promise<T>): Promise<T> => {
    const ids = [...new Set(patientIds)];
    const earlier = ids.map((id) => last.get(id));
    const mine = Promise.allSettled(earlier).then(evaluate);
    const settled = mine.catch(() => undefined);
    for (const id of ids) last.set(id, settled);
    void settled.then(() => ids.forEach((id) => last.get(id) === settled && last.delete(id)));
    return mine;
  };
}

export function startReadingsWorker(connection: ConnectionOptions, prefix: string, deps: { alerts: AlertService; logger: Logger }): Worker {
  const inOrder = inPatientOrder();
  const worker = new Worker(READINGS_QUEUE, (job) => processEvaluate(job, deps, inOrder), { connection, prefix, concurrency: 8 });
  worker.on("failed", (job, error) => deps.logger.warn({ jobId: job?.id, err: error.message }, "readings evaluation failed"));
  return worker;
}
