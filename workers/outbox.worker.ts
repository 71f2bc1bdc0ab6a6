import { DelayedError, Queue, UnrecoverableError, Worker, type ConnectionOptions, type Job } from "bullmq";
import { z } from "zod";
import { ChannelSendError, type Channel, type ChannelName, type OutgoingMessage } from "../core/channels/channel";
import type { Logger } from "../core/logger";
import type { Outbox, OutboxQueue, PendingDelivery } from "../core/outbox/outbox";
import type { SendRateLimiter } from "../core/outbox/send-rate-limiter";
import type { PatientRepository } from "../core/patients/patient-repository";
import { currentRequestId } from "../core/request-context";

export const OUTBOX_QUEUE = "outbox";
const SWEEP_EVERY_MS = 60_000;
const ORDER_WAIT_MS = 250;

/** Job data holds ids only: BullMQ keeps it in clear text in Redis, so no patient data goes there. */
const sendJobSchema = z.object({
  outboxId: z.uuid(),
  /** The request (a doctor's reply, a webhook through the inbound worker) that queued it: logs follow it here. */
  requestId: z.string().max(64).optional(),
});

export interface OutboxSettings {
  attempts: number;
  backoffMs: number;
  backoffMaxMs: number;
  /** How long one send attempt holds its row (longer than any send takes). */
  claimMs: number;
}

export function createOutboxQueue(connection: ConnectionOptions, prefix: string, settings: OutboxSettings): Queue & OutboxQueue {
  const queue = new Queue(OUTBOX_QUEUE, { connection, prefix }) as Queue & OutboxQueue;
  queue.enqueue = async (outboxId: string) => {
    await queue.add(
      "send",
      sendJobSchema.parse({ outboxId, requestId: currentRequestId() }),
      {
        // One job per outbox row, however often the sweep finds it pending.
        jobId: `out-${outboxId}`,
        attempts: settings.attempts,
        backoff: { type: "messenger" },
        removeOnComplete: true,
        removeOnFail: { age: 7 * 24 * 3600 },
      },
    );
  };
  return queue;
}

/** Waits what the messenger asked for on a 429, otherwise doubles the wait up to a ceiling, with jitter. */
export const backoffDelay = (settings: OutboxSettings) => (attemptsMade: number, _type?: string, error?: Error) => {
  if (error instanceof ChannelSendError && error.retryAfterMs !== undefined) return error.retryAfterMs;
  const exponential = Math.min(settings.backoffMs * 2 ** Math.max(0, attemptsMade - 1), settings.backoffMaxMs);
  return Math.round(exponential * (0.8 + Math.random() * 0.4));
};

export interface OutboxWorkerDeps {
  outbox: Outbox;
  patients: PatientRepository;
  channels: Partial<Record<ChannelName, Channel>>;
  logger: Logger;
  now?: () => Date;
  /** Messenger limits shared by every worker process (Redis); without it messages go out as fast as they come. */
  limiter?: SendRateLimiter;
  /** How long one send attempt holds its row: OutboxSettings.claimMs. */
  claimMs: number;
  /** What the channel receives for a row (private mode replaces medical content: core/private-mode/secure-chat.ts). */
  render?: (delivery: PendingDelivery) => Promise<OutgoingMessage>;
  /** Counts a messenger's 429 (flood control) for /metrics (issue 19). */
  rateLimited?: (channel: ChannelName) => void;
}

async function delay(job: Job, token: string | undefined, ms: number): Promise<never> {
  // Not a failed attempt: the job only waits its turn, so it keeps all its tries.
  await job.moveToDelayed(Date.now() + Math.max(1, ms), token);
  throw new DelayedError();
}

/** Delivers one outbox row. Idempotent: a row already sent (a redelivered or stalled job) is left alone. */
export async function processSend(job: Job, token: string | undefined, deps: OutboxWorkerDeps): Promise<void> {
  const { outboxId, requestId } = sendJobSchema.parse(job.data);
  const delivery = await deps.outbox.pending(outboxId);
  if (!delivery) return;
  const limiter = deps.limiter;
  const earlier = await deps.outbox.earlierPendingCount(delivery);
  if (earlier > 0) {
    // Each earlier message needs at least one per-chat gap anyway; checking sooner only loads the database.
    return delay(job, token, limiter ? earlier * limiter.rateOf(delivery.channel).chatIntervalMs : ORDER_WAIT_MS);
  }
  const channel = deps.channels[delivery.channel];
  if (!channel) throw new UnrecoverableError(`no ${delivery.channel} channel is configured`);
  const now = deps.now ?? (() => new Date());
  if (limiter) {
    const slot = await limiter.acquire(delivery.channel, delivery.chatId);
    if (slot.kind !== "send") return delay(job, token, slot.waitMs);
  }
  // BullMQ hands a job whose lock lapsed (a starved event loop) to another worker while the first may still be
  // sending: the row's claim keeps the second from sending it too.
  if (!(await deps.outbox.claim(outboxId, now(), deps.claimMs))) return delay(job, token, deps.claimMs);
  try {
    // --- channels --- the row id lets a messenger drop a repeated send (VK random_id)
    const message = deps.render ? await deps.render(delivery) : delivery.message;
    const { externalMessageId } = await channel.send(delivery.chatId, message, { idempotencyKey: outboxId });
    await deps.outbox.markSent(outboxId, externalMessageId, now());
    await limiter?.sent(delivery.channel, delivery.chatId);
  } catch (error) {
    const sendError = error instanceof ChannelSendError ? error : new ChannelSendError("transient", String(error));
    const permanent = sendError.reason === "unreachable" || sendError.reason === "rejected";
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    await deps.outbox.recordAttemptFailed(outboxId, sendError.message, permanent || lastAttempt);
    if (sendError.reason === "unreachable") await deps.patients.markUnreachable(delivery.accountId, now());
    if (sendError.reason === "rate_limited") deps.rateLimited?.(delivery.channel); // --- observability ---
    if (sendError.reason === "rate_limited" && limiter) {
      // Flood control is per bot: every process holds the whole channel back for as long as asked.
      await limiter.pause(delivery.channel, delivery.chatId, sendError.retryAfterMs ?? 1000, true);
    }
    deps.logger.warn({ outboxId, requestId, reason: sendError.reason, attempt: job.attemptsMade + 1 }, "outbox send failed");
    if (permanent) throw new UnrecoverableError(sendError.message);
    throw sendError;
  }
}

/** Queues again the rows whose job was lost (e.g. Redis was down when they were written). */
export async function processSweep(queue: OutboxQueue, outbox: Outbox, now = new Date()): Promise<number> {
  const ids = await outbox.stalePendingIds(SWEEP_EVERY_MS, now);
  for (const id of ids) await queue.enqueue(id);
  return ids.length;
}

export async function startOutboxWorker(
  connection: ConnectionOptions,
  prefix: string,
  settings: OutboxSettings,
  queue: Queue & OutboxQueue,
  deps: Omit<OutboxWorkerDeps, "claimMs">,
  concurrency = 16,
  /** Shorter locks in tests make a killed worker's jobs come back sooner (BullMQ stalled-job recovery). */
  locks: { lockDuration?: number; stalledInterval?: number } = {},
): Promise<Worker> {
  await queue.upsertJobScheduler("outbox-sweep", { every: SWEEP_EVERY_MS }, { name: "sweep" });
  const worker = new Worker(
    OUTBOX_QUEUE,
    async (job, token) => {
      if (job.name === "sweep") return processSweep(queue, deps.outbox);
      return processSend(job, token, { ...deps, claimMs: settings.claimMs });
    },
    { connection, prefix, concurrency, ...locks, settings: { backoffStrategy: backoffDelay(settings) } },
  );
  worker.on("error", (error) => deps.logger.error({ err: error }, "outbox worker error"));
  return worker;
}
