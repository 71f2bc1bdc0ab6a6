import { UnrecoverableError, type Job, type Queue } from "bullmq";
import { z } from "zod";
import type { AlertService } from "../core/monitoring/alerts";
import type { EvaluationGroup } from "../core/monitoring/reading-repository";
import { queueNames } from "../core/redis-keys";
import type { QueueDeclaration } from "./job-queues";

export const READINGS_QUEUE = queueNames.readings;

/** Ids only: BullMQ keeps job data in clear text in Redis. */
const groupSchema = z.object({ patientId: z.uuid(), readingIds: z.array(z.uuid()).min(1).max(5000) });
const evaluateJobSchema = z.object({ groups: z.array(groupSchema).min(1) });

/** One alert evaluation: one job per write of core/monitoring/reading-repository.ts, which batches the requests. */
export async function enqueueEvaluation(queue: Queue, groups: EvaluationGroup[]): Promise<void> {
  await queue.add("evaluate", evaluateJobSchema.parse({ groups }), {
    // Reading ids are new uuids, so the first one names the job: a retried add adds nothing.
    jobId: `rd-${groups[0]!.readingIds[0]}`,
    attempts: 8,
    backoff: { type: "exponential", delay: 500 },
    removeOnComplete: true,
    removeOnFail: { age: 7 * 24 * 3600 },
  });
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

/** A function: each process's declaration keeps its own order of patients' jobs. */
export const readingsQueue = (): QueueDeclaration<{ alerts: AlertService }> => {
  const inOrder = inPatientOrder();
  return { name: READINGS_QUEUE, concurrency: 8, process: (job, deps) => processEvaluate(job, deps, inOrder) };
};
