import { Queue, Worker, type ConnectionOptions } from "bullmq";
import type { Logger } from "../core/logger";
import type { ReminderService } from "../core/reminders/reminder-service";

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

export function createRemindersQueue(connection: ConnectionOptions, prefix: string): Queue {
  return new Queue(REMINDERS_QUEUE, { connection, prefix });
}

export async function startRemindersWorker(
  connection: ConnectionOptions,
  prefix: string,
  queue: Queue,
  deps: { reminders: ReminderService; logger: Logger; tickMs: number },
): Promise<Worker> {
  await queue.upsertJobScheduler("reminders-tick", { every: deps.tickMs }, { name: "tick", opts: { removeOnComplete: true, removeOnFail: 100 } });
  const worker = new Worker(
    REMINDERS_QUEUE,
    async (job) => {
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
