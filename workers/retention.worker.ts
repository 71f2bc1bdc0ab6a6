import type { Job, Queue } from "bullmq";
import { z } from "zod";
import type { Logger } from "../core/logger";
import { queueNames } from "../core/redis-keys";
import type { PatientErasure } from "../core/rights/patient-erasure";
import type { RetentionSweep } from "../core/rights/retention-sweep";
import type { QueueDeclaration } from "./job-queues";

const SWEEP_EVERY_MS = 24 * 3600_000;
/** How long an erasure waits for the patient's last messages (its own confirmation) to go out: attempts × delay. */
const ERASE_ATTEMPTS = 30;
const ERASE_RETRY_MS = 2000;

/** Ids only: BullMQ keeps job data in clear text in Redis. */
const eraseJobSchema = z.object({ patientId: z.uuid() });

export async function enqueueErasure(queue: Queue, patientId: string): Promise<void> {
  await queue.add("erase", eraseJobSchema.parse({ patientId }), {
    // One erasure per patient at a time, however often it is asked for.
    jobId: `erase-${patientId}`,
    // The request is made while the patient's update is handled; its confirmation is queued after that commits.
    delay: ERASE_RETRY_MS,
    attempts: ERASE_ATTEMPTS,
    backoff: { type: "fixed", delay: ERASE_RETRY_MS },
    removeOnComplete: true,
    removeOnFail: { age: 30 * 24 * 3600 },
  });
}

export interface RetentionWorkerDeps {
  erasure: PatientErasure;
  sweep: RetentionSweep;
  logger: Logger;
}

/**
 * Erases one patient once the messages still queued for them are out (the confirmation of `/delete` is one, and
 * it needs the messenger id the erasure removes); on the last attempt it erases regardless.
 */
export async function processErase(job: Pick<Job, "data" | "attemptsMade" | "opts">, deps: RetentionWorkerDeps): Promise<string> {
  const { patientId } = eraseJobSchema.parse(job.data);
  const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  if (!lastAttempt && (await deps.erasure.waitsForMessages(patientId))) throw new Error("waiting for the patient's last messages to go out");
  const outcome = await deps.erasure.erase(patientId);
  deps.logger.info({ patientId, outcome }, "patient erasure");
  return outcome;
}

/** The daily sweep is kept in Redis by the deployment's schedulers (workers/schedulers.ts) like every repeatable job. */
export const retentionQueue: QueueDeclaration<RetentionWorkerDeps> = {
  name: queueNames.retention,
  concurrency: 1,
  process: (job, deps) => (job.name === "sweep" ? deps.sweep.run() : processErase(job, deps)),
  schedulers: [{ id: "retention-sweep", everyMs: SWEEP_EVERY_MS, job: { name: "sweep", opts: { removeOnComplete: true, removeOnFail: 100 } } }],
};
