import { Queue, Worker, type ConnectionOptions, type Job } from "bullmq";
import { z } from "zod";
import type { Db } from "../core/db/prisma";
import type { Logger } from "../core/logger";
import type { Protocol } from "../core/protocols/protocol";
import { syncPrescribedReminders } from "../core/reminders/prescribed-reminders";
import type { ReminderService } from "../core/reminders/reminder-service";
import type { SchedulerSpec } from "./schedulers";

export const REMINDERS_QUEUE = "reminders";

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
  const materialized = await reminders.materialize(now);
  const missed = await reminders.markMissed(now);
  let sent = 0;
  for (;;) {
    const result = await reminders.dispatchDue(now, batch);
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

export async function processPrescribed(job: Pick<Job, "data">, deps: { db: Db; protocols: { load(id: string): Promise<Protocol> } }) {
  const { protocolId } = prescribedJobSchema.parse(job.data);
  const protocol = await deps.protocols.load(protocolId);
  if (protocol.status !== "signed" || !protocol.signedAt) return { created: 0, cancelled: 0 };
  return syncPrescribedReminders(deps.db, { ...protocol, signedAt: protocol.signedAt, items: protocol.content.prescriptions });
}

export function createRemindersQueue(connection: ConnectionOptions, prefix: string): Queue {
  return new Queue(REMINDERS_QUEUE, { connection, prefix });
}

/** The reminder scheduler's tick: without it no reminder goes out at all. */
export const remindersTick = (queue: Queue, tickMs: number): SchedulerSpec => ({
  queue,
  id: "reminders-tick",
  everyMs: tickMs,
  job: { name: "tick", opts: { removeOnComplete: true, removeOnFail: 100 } },
});

export function startRemindersWorker(
  connection: ConnectionOptions,
  prefix: string,
  deps: { reminders: ReminderService; db: Db; protocols: { load(id: string): Promise<Protocol> }; logger: Logger },
): Worker {
  const worker = new Worker(
    REMINDERS_QUEUE,
    async (job) => {
      if (job.name === "prescribed") return processPrescribed(job, deps);
      if (job.name !== "tick") return undefined;
      const result = await processTick(deps.reminders);
      if (result.sent || result.missed) deps.logger.info(result, "reminders tick");
      return result;
    },
    { connection, prefix, concurrency: 1 },
  );
  worker.on("error", (error) => deps.logger.error({ err: error }, "reminders worker error"));
  return worker;
}
