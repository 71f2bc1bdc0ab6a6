import { DelayedError, UnrecoverableError, type Job, type Queue } from "bullmq";
import { z } from "zod";
import { ChannelSendError, type Channel, type ChannelName, type OutgoingMessage } from "../core/channels/channel";
import { groupCommit } from "../core/group-commit";
import { currentRequestId } from "../core/request-context";
import type { Logger } from "../core/logger";
import type { Outbox, PendingDelivery, Taken } from "../core/outbox/outbox";
import type { SendRateLimiter } from "../core/outbox/send-rate-limiter";
import type { PatientRepository } from "../core/patients/patient-repository";
import { queueNames } from "../core/redis-keys";
import type { QueueDeclaration } from "./job-queues";
/** How soon a message that waits for an earlier one to its chat looks again (the earlier one's job usually sends it first). */
const ORDER_WAIT_MS = 250;
/** How soon a job that found its row claimed by another attempt looks again. */
const CLAIM_RECHECK_MS = 2000;

/** Job data holds ids only: BullMQ keeps it in clear text in Redis, so no patient data goes there. */
const sendJobSchema = z.object({ outboxId: z.uuid() });

export interface OutboxSettings {
  attempts: number;
  backoffMs: number;
  backoffMaxMs: number;
  /** How long one send attempt holds its row (longer than any send takes). */
  claimMs: number;
  /** How often rows whose job was lost are queued again. */
  sweepMs: number;
}

const outboxJobId = (outboxId: string) => `out-${outboxId}`;

/**
 * Queues rows by id, `delayMs` from now; the rows written together (a batch of inbound steps' replies) go to Redis in
 * one addBulk, each job with the request id of its own writer (workers/job-queues.ts).
 */
export function outboxEnqueuer(queue: Queue, settings: Pick<OutboxSettings, "attempts">): (outboxId: string, delayMs?: number) => Promise<void> {
  const add = groupCommit(
    async (rows: Array<{ outboxId: string; delayMs: number; requestId: string | undefined }>) => {
      await queue.addBulk(
        rows.map(({ outboxId, delayMs, requestId }) => ({
          name: "send",
          data: { ...sendJobSchema.parse({ outboxId }), ...(requestId ? { requestId } : {}) },
          // One job per outbox row, however often the sweep finds it pending.
          opts: {
            jobId: outboxJobId(outboxId),
            delay: delayMs,
            attempts: settings.attempts,
            backoff: { type: "messenger" },
            removeOnComplete: true,
            removeOnFail: { age: 7 * 24 * 3600 },
          },
        })),
      );
      return rows.map(() => undefined);
    },
    { max: 500 },
  );
  return (outboxId, delayMs = 0) => add({ outboxId, delayMs, requestId: currentRequestId() });
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
  /** Queues a row's own job `delayMs` from now (none is queued for a chat's following messages: see `processSend`). */
  follow?: (outboxId: string, delayMs: number) => Promise<void>;
}

async function delay(job: Job, token: string | undefined, ms: number): Promise<never> {
  // Not a failed attempt: the job only waits its turn, so it keeps all its tries.
  await job.moveToDelayed(Date.now() + Math.max(1, ms), token);
  throw new DelayedError();
}

/** What one attempt at a row came to. */
type Attempt =
  /** Not pending any more; `following`: the chat's next pending row, when there is one. */
  | { kind: "gone"; following?: string }
  /** Try again in `ms` (an earlier message waits, another attempt holds the row, the messenger's limit). */
  | { kind: "wait"; ms: number }
  /** The messenger has it; `next`: the chat's next pending row, taken, when the chat needs no gap before it. */
  | { kind: "sent"; next?: Taken }
  /** The send failed and was recorded on the row. */
  | { kind: "failed"; error: ChannelSendError; permanent: boolean };

/**
 * Delivers the job's row, then the chat's following messages while the chat needs no gap between them (VK, the web
 * chat): one job for a reply of several messages, not one each (an inbound step queues only its first, see
 * core/inbound/inbound-reply-repository.ts). A following message that must wait, or fails, gets its own job (`follow`),
 * which retries it as any row's. Idempotent: a row already sent (a redelivered or stalled job) is left alone, and the
 * job goes on with the chat's next pending one, so a job that died between two sends loses none.
 */
export async function processSend(job: Job, token: string | undefined, deps: OutboxWorkerDeps): Promise<void> {
  const { outboxId } = sendJobSchema.parse(job.data);
  const own = await attempt(outboxId, job.attemptsMade + 1 >= (job.opts.attempts ?? 1), deps);
  if (own.kind === "wait") return delay(job, token, own.ms);
  if (own.kind === "failed") throw own.permanent ? new UnrecoverableError(own.error.message) : own.error;
  for (let next: string | Taken | undefined = own.kind === "sent" ? own.next : own.following; next; ) {
    const following = await attempt(next, false, deps);
    const id = typeof next === "string" ? next : next.delivery.id;
    if (following.kind === "wait") await follow(deps, id, following.ms);
    // Its own job retries it, first after what the messenger asked for or a moment, then with the job's backoff.
    else if (following.kind === "failed" && !following.permanent) await follow(deps, id, following.error.retryAfterMs ?? CLAIM_RECHECK_MS);
    next = following.kind === "sent" ? following.next : following.kind === "gone" ? following.following : undefined;
  }
}

const follow = (deps: OutboxWorkerDeps, outboxId: string, delayMs: number) =>
  deps.follow?.(outboxId, delayMs).catch((error) => deps.logger.warn({ err: error, outboxId }, "following message not queued: the sweep will"));

/** One send attempt at a row (by id, or already taken); `lastAttempt`: a failure makes the row failed. */
async function attempt(row: string | Taken, lastAttempt: boolean, deps: OutboxWorkerDeps): Promise<Attempt> {
  const now = deps.now ?? (() => new Date());
  // BullMQ hands a job whose lock lapsed (a starved event loop) to another worker while the first may still be
  // sending, and a sweep after Redis lost its data queues a row whose old job is still running: the row's claim
  // keeps the second from sending it too.
  const taken = typeof row === "string" ? await deps.outbox.take(row, now(), deps.claimMs) : row;
  if (taken.kind === "gone") return taken;
  const { delivery, claimedUntil } = taken;
  const outboxId = delivery.id;
  const limiter = deps.limiter;
  const chatIntervalMs = limiter?.rateOf(delivery.channel).chatIntervalMs ?? 0;
  if (delivery.earlierPending > 0) {
    // Each earlier message needs at least one per-chat gap anyway; checking sooner only loads the database.
    return { kind: "wait", ms: Math.max(ORDER_WAIT_MS, delivery.earlierPending * chatIntervalMs) };
  }
  // Held by another attempt: it looks again soon, since that attempt may fail and let go.
  if (!claimedUntil) return { kind: "wait", ms: Math.min(deps.claimMs, CLAIM_RECHECK_MS) };
  const channel = deps.channels[delivery.channel];
  if (!channel) {
    await deps.outbox.unclaim(outboxId, claimedUntil);
    return { kind: "failed", error: new ChannelSendError("rejected", `no ${delivery.channel} channel is configured`), permanent: true };
  }
  const message = await renderOrLetGo(deps, delivery, claimedUntil);
  // The token is taken last, just before the request: the limiter counts each send from here to its answer.
  let ticket: string | undefined;
  if (limiter) {
    const slot = await limiter.acquire(delivery.channel, delivery.chatId);
    if (slot.kind !== "send") {
      await deps.outbox.unclaim(outboxId, claimedUntil);
      return { kind: "wait", ms: slot.waitMs };
    }
    ticket = slot.ticket;
  }
  let externalMessageId: string;
  try {
    // --- channels --- the row id lets a messenger drop a repeated send (VK random_id)
    ({ externalMessageId } = await channel.send(delivery.chatId, message, { idempotencyKey: outboxId }));
  } catch (error) {
    await countAsSent(limiter, delivery, ticket, deps.logger);
    const sendError = error instanceof ChannelSendError ? error : new ChannelSendError("transient", String(error));
    const permanent = sendError.reason === "unreachable" || sendError.reason === "rejected";
    await deps.outbox.recordAttemptFailed(outboxId, sendError.message, permanent || lastAttempt);
    if (sendError.reason === "unreachable") await deps.patients.markUnreachable(delivery.accountId, now());
    if (sendError.reason === "rate_limited") deps.rateLimited?.(delivery.channel); // --- observability ---
    if (sendError.reason === "rate_limited" && limiter) {
      // Flood control is per bot: every process holds the whole channel back for as long as asked.
      await limiter.pause(delivery.channel, delivery.chatId, sendError.retryAfterMs ?? 1000, true);
    }
    deps.logger.warn({ outboxId, reason: sendError.reason }, "outbox send failed");
    return { kind: "failed", error: sendError, permanent };
  }
  // The messenger has the message now: failing here must not send it again (Postgres away for a while would
  // otherwise turn every send in flight into a duplicate), so the record is retried until it is written.
  // The limiter's second counts from the answer: told now, beside the markSent write, not after it.
  const counted = countAsSent(limiter, delivery, ticket, deps.logger);
  // Where the chat needs no gap, the same statement takes the chat's next row for this job's next send.
  const next = await untilWritten(() => deps.outbox.markSent(outboxId, externalMessageId, now(), chatIntervalMs > 0 ? undefined : deps.claimMs), deps.logger);
  await counted;
  if (next && chatIntervalMs > 0) {
    // The chat's gap first: the next message's own job, that much later.
    await follow(deps, next.delivery.id, chatIntervalMs);
    return { kind: "sent" };
  }
  return { kind: "sent", ...(next ? { next } : {}) };
}

/** What the channel receives for the row; a render that fails lets go of the row's claim for the next try. */
async function renderOrLetGo(deps: OutboxWorkerDeps, delivery: PendingDelivery, claimedUntil: Date): Promise<OutgoingMessage> {
  try {
    return deps.render ? await deps.render(delivery) : delivery.message;
  } catch (error) {
    await deps.outbox.unclaim(delivery.id, claimedUntil).catch(() => undefined);
    throw error;
  }
}

async function countAsSent(limiter: SendRateLimiter | undefined, delivery: PendingDelivery, ticket: string | undefined, logger: Logger): Promise<void> {
  if (limiter && ticket) await limiter.sent(delivery.channel, delivery.chatId, ticket).catch((error) => logger.warn({ err: error }, "send not counted"));
}

/** Retries `write` with a growing pause for up to `forMs`, then gives up (the job's retry then sends again). */
async function untilWritten<T>(write: () => Promise<T>, logger: Logger, forMs = 10 * 60_000): Promise<T> {
  const until = Date.now() + forMs;
  for (let pause = 200; ; pause = Math.min(pause * 2, 5000)) {
    try {
      return await write();
    } catch (error) {
      if (Date.now() + pause > until) throw error;
      logger.warn({ err: error }, "sent message not recorded yet, retrying");
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

/** Queues again the rows pending longer than a sweep's period: their job was lost (Redis was down or lost its data). */
export async function processSweep(queue: Queue, outbox: Outbox, settings: Pick<OutboxSettings, "attempts" | "sweepMs">, now = new Date()): Promise<number> {
  const ids = await outbox.stalePendingIds(settings.sweepMs, now);
  const enqueue = outboxEnqueuer(queue, settings);
  for (const id of ids) {
    // A job that used up its attempts while Postgres was away could not mark its row failed; kept as failed, it
    // would hold the job id and the row would wait for ever. The row says pending, so it goes again.
    const job = await queue.getJob(outboxJobId(id));
    if (job && (await job.isFailed())) await job.remove();
    await enqueue(id);
  }
  return ids.length;
}

/**
 * The outbox: a job sends its row and the chat's following ones; its sweep queues again the rows whose job was lost.
 * It logs its own failures.
 */
export const outboxQueue = (settings: OutboxSettings): QueueDeclaration<Omit<OutboxWorkerDeps, "claimMs">> => ({
  name: queueNames.outbox,
  concurrency: 16,
  process: (job, deps, token, queue) =>
    job.name === "sweep" ? processSweep(queue, deps.outbox, settings) : processSend(job, token, { ...deps, claimMs: settings.claimMs }),
  schedulers: [{ id: "outbox-sweep", everyMs: settings.sweepMs, job: { name: "sweep", opts: { removeOnComplete: true, removeOnFail: 100 } } }],
  settings: { backoffStrategy: backoffDelay(settings) },
  // A messenger's error can carry the bot token in its URL: processSend logs the reason only.
  logFailures: false,
});
