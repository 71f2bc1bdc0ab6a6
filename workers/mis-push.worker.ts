import { DelayedError, UnrecoverableError, type Job, type Queue } from "bullmq";
import { z } from "zod";
import { MisPushError } from "../core/fhir/mis-client";
import type { DeliveryOutcome, MisPush } from "../core/fhir/mis-push";
import type { Logger } from "../core/logger";
import { queueNames } from "../core/redis-keys";
import type { QueueDeclaration } from "./job-queues";

/** Ids only: BullMQ keeps job data in clear text in Redis. */
const pushJobSchema = z.object({ protocolId: z.uuid() });
/** While the documents job is still making the signed PDFs: a wait, not a failed attempt. */
const DOCUMENTS_WAIT_MS = 3000;

export interface MisPushRetries {
  attempts: number;
  backoffMs: number;
}

/**
 * One job per protocol version (its id dedupes a second signing call); failed jobs are removed because the MisPush
 * row is the record: the admin's "retry now" queues the same id again, with all its attempts.
 */
export async function enqueueMisPush(queue: Queue, protocolId: string, retries: MisPushRetries): Promise<void> {
  await queue.add("push", pushJobSchema.parse({ protocolId }), {
    jobId: `mis-push-${protocolId}`,
    attempts: retries.attempts,
    backoff: { type: "exponential", delay: retries.backoffMs },
    removeOnComplete: true,
    removeOnFail: true,
  });
}

export interface MisPushWorkerDeps {
  misPush: MisPush;
  logger: Logger;
}

/** Sends one signed protocol version to the MIS; a refusal retrying cannot change ends the job at once (it is on the review list). */
export async function processMisPush(job: Pick<Job, "data" | "attemptsMade" | "opts" | "moveToDelayed">, token: string | undefined, deps: MisPushWorkerDeps): Promise<DeliveryOutcome> {
  const { protocolId } = pushJobSchema.parse(job.data);
  const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  let outcome: DeliveryOutcome;
  try {
    outcome = await deps.misPush.deliver(protocolId, lastAttempt);
  } catch (error) {
    if (!(error instanceof MisPushError)) throw error;
    // The MIS's own words may quote the record: they stay in Postgres (MisPush.lastError), not in logs or Redis.
    deps.logger.warn({ protocolId, attempt: job.attemptsMade + 1, status: error.status, permanent: error.permanent }, "MIS push failed");
    const summary = `MIS push failed${error.status ? ` (HTTP ${error.status})` : ""}: its answer is in the review list`;
    throw error.permanent ? new UnrecoverableError(summary) : new Error(summary);
  }
  if (outcome === "waiting_for_documents") {
    await job.moveToDelayed(Date.now() + DOCUMENTS_WAIT_MS, token);
    throw new DelayedError();
  }
  return outcome;
}

export const misPushQueue: QueueDeclaration<MisPushWorkerDeps> = {
  name: queueNames.misPush,
  concurrency: 2,
  process: (job, deps, token) => processMisPush(job, token, deps),
  logFailures: false,
};
