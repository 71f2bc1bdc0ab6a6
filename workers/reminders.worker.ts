import type { Job, Queue } from "bullmq";
import { z } from "zod";
import type { Logger } from "../core/logger";
import type { Protocol } from "../core/protocols/protocol";
import type { ReminderService } from "../core/reminders/reminder-service";
import { queueNames } from "../core/redis-keys";
import type { QueueDeclaration } from "./job-queues";

export interface TickResult {
  materialized: number;
  missed: number;
  sent: number;
}

/**
 * One scheduler pass: write the coming doses, mark unanswered doses missed, and hand every due reminder to the
 * outbox. Safe to run twice at once or after a crash: each step is a conditional update on unique rows.
 */
export async function processTick(reminders: ReminderService, now = reminders.clock(), batch = 500): Promise<TickResult> {
  const materialized = await reminders.dispatch.materialize(now);
  const missed = await reminders.dispatch.markMissed(now);
  let sent = 0;
  for (;;) {
    const result = await reminders.dispatch.dispatchDue(now, batch);
    sent += result.sent;
    if (result.handled < batch) break;
  }
  return { materialized, missed, sent };
}

const prescribedJobSchema = z.object({ protocolId: z.uuid() });

/** A signed protocol's prescriptions become medication reminders; one job per protocol version. */
export async function enqueuePrescribedReminders(queue: Queue, protocolId: string): Promise<void> {
  await queue.add("prescribed", prescribedJobSchema.parse({ protocolId }), {
    jobId: `prescribed-${protocolId}`,
    attempts: 6,
    backoff: { type: "exponential", delay: 2000 },
    removeOnComplete: true,
    removeOnFail: { age: 7 * 24 * 3600 },
  });
}

export async function processPrescribed(job: Pick<Job, "data">, deps: Pick<RemindersWorkerDeps, "reminders" | "protocols">) {
  const { protocolId } = prescribedJobSchema.parse(job.data);
  const protocol = await deps.protocols.load(protocolId);
  if (protocol.status !== "signed" || !protocol.signedAt) return { created: 0, cancelled: 0 };
  return deps.reminders.prescribed({ ...protocol, signedAt: protocol.signedAt, items: protocol.content.prescriptions });
}

export interface RemindersWorkerDeps {
  reminders: ReminderService;
  protocols: { load(id: string): Promise<Protocol> };
  logger: Logger;
}

/** The tick is the reminder scheduler: without it no reminder goes out at all. */
export const remindersQueue = (tickMs: number): QueueDeclaration<RemindersWorkerDeps> => ({
  name: queueNames.reminders,
  concurrency: 1,
  async process(job, deps) {
    if (job.name === "prescribed") return processPrescribed(job, deps);
    if (job.name !== "tick") return undefined;
    const result = await processTick(deps.reminders);
    if (result.sent || result.missed) deps.logger.info(result, "reminders tick");
    return result;
  },
  schedulers: [{ id: "reminders-tick", everyMs: tickMs, job: { name: "tick", opts: { removeOnComplete: true, removeOnFail: 100 } } }],
});
