import { DelayedError, Queue, Worker, type ConnectionOptions, type Job } from "bullmq";
import { z } from "zod";
import type { ChannelName, IncomingEvent, OutgoingMessage } from "../core/channels/channel";
import type { InboundReplies } from "../core/inbound/inbound-reply-repository";
import type { InboundStore } from "../core/inbound/inbound-repository";
import { groupCommit } from "../core/group-commit";
import type { Logger } from "../core/logger";
import { runWithRequestId } from "../core/request-context";
import type { SchedulerSpec } from "./schedulers";

export const INBOUND_QUEUE = "inbound";
/** Processed rows stay as the dedupe key this long: Telegram keeps an undelivered update 24 h. */
const KEEP_PROCESSED_MS = 3 * 24 * 3600_000;
/** While another worker holds the chat's oldest event, look again this much later. */
const BUSY_RETRY_MS = 300;

/** Ids only: the event itself (a patient's words) waits in Postgres, not in Redis. */
const jobSchema = z.object({
  eventId: z.string().min(1).max(300),
  chatKey: z.string().min(1).max(200),
  /** The webhook request that stored the event (issue 19: one id from the api's log into the worker's). */
  requestId: z.string().max(64).optional(),
});
export type InboundJob = z.infer<typeof jobSchema>;

export function createInboundQueue(connection: ConnectionOptions, prefix: string) {
  const queue = new Queue(INBOUND_QUEUE, { connection, prefix });
  const options = {
    attempts: 20,
    backoff: { type: "exponential", delay: 500 },
    // Removed either way so the sweep can queue the id again; the row keeps the outcome and the error.
    removeOnComplete: true,
    removeOnFail: true,
  };
  // The jobs of a burst of webhooks go to Redis in one addBulk (one round trip), as their rows went in one insert.
  const enqueue = groupCommit(
    async (jobs: InboundJob[]) => {
      // BullMQ job ids may not contain ":" (event ids do not); the same id twice is one job.
      await queue.addBulk(jobs.map((job) => ({ name: "event", data: jobSchema.parse(job), opts: { ...options, jobId: job.eventId } })));
      return jobs.map(() => undefined);
    },
    { max: 500 },
  );
  return { queue, enqueue };
}
export type InboundQueue = ReturnType<typeof createInboundQueue>;

export interface InboundDeps {
  store: InboundStore;
  /** The channel's raw event as the channel-neutral event; undefined for one we do not handle; throws when malformed. */
  decode: (channel: ChannelName, payload: unknown) => IncomingEvent | undefined;
  /** Marks a handled event processed together with writing its replies. */
  replies: Pick<InboundReplies, "commit">;
  /** The dialogue: hands its replies to `commit`. */
  handle: (event: IncomingEvent, commit: (accountId: string, replies: OutgoingMessage[]) => Promise<void>) => Promise<void>;
  /** After the event is handled: drops what the edge kept beside the row (a widget upload's bytes). */
  handled?: (channel: ChannelName, payload: unknown) => Promise<void>;
  logger: Logger;
  /** Attempts per event before it becomes a dead letter. */
  attempts: number;
  /** How long one attempt holds its event (a killed worker's event waits this long). */
  claimMs: number;
  /** How often stored-but-unqueued rows are looked for, and how old they must be. */
  sweepMs: number;
}

export const inboundSweep = (queue: InboundQueue, everyMs: number): SchedulerSpec => ({
  queue: queue.queue,
  id: "inbound-sweep",
  everyMs,
  job: { name: "sweep", opts: { removeOnComplete: true, removeOnFail: 100 } },
});

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Runs the chat's pending events oldest first until none is left: events of one chat in order, chats in
 * parallel (one job per event, whichever job holds the chat's head does the work).
 */
export async function processInbound(job: Job, token: string | undefined, deps: InboundDeps): Promise<void> {
  const { chatKey, requestId } = jobSchema.parse(job.data);
  const logger = requestId ? deps.logger.child({ requestId }) : deps.logger;
  for (;;) {
    const claimed = await deps.store.claimNext(chatKey, deps.claimMs);
    if (claimed === undefined) return;
    if (claimed === "busy") {
      // The holder goes on to this job's event after its own; if it died, its claim runs out and this job takes over.
      await job.moveToDelayed(Date.now() + BUSY_RETRY_MS, token);
      throw new DelayedError();
    }
    let event: IncomingEvent | undefined;
    try {
      event = deps.decode(claimed.channel, claimed.payload);
    } catch (error) {
      await deps.store.failed(claimed.id, `malformed: ${message(error)}`, true);
      logger.warn({ eventId: claimed.id }, "inbound event malformed: kept as a dead letter");
      continue;
    }
    if (!event) {
      await deps.store.finish(claimed.id);
      continue;
    }
    try {
      const handle = () => deps.handle(event, (accountId, replies) => deps.replies.commit(claimed.id, accountId, replies));
      // The replies it queues carry the webhook's request id on to the outbox.
      await (requestId ? runWithRequestId(requestId, handle) : handle());
      await deps.handled?.(claimed.channel, claimed.payload).catch((error) => deps.logger.warn({ eventId: claimed.id, err: error }, "inbound event handled, leftovers not removed"));
    } catch (error) {
      const final = claimed.attempts >= deps.attempts;
      await deps.store.failed(claimed.id, message(error), final);
      if (!final) throw error;
      logger.error({ eventId: claimed.id, err: error }, "inbound event failed every attempt: kept as a dead letter");
    }
  }
}

export function startInboundWorker(
  connection: ConnectionOptions,
  prefix: string,
  queue: InboundQueue,
  deps: InboundDeps,
  concurrency = 8,
  /** Shorter locks in tests make a killed worker's jobs come back sooner (BullMQ stalled-job recovery). */
  locks: { lockDuration?: number; stalledInterval?: number } = {},
) {
  const worker = new Worker(
    INBOUND_QUEUE,
    async (job, token) => {
      if (job.name !== "sweep") return processInbound(job, token, deps);
      await Promise.all((await deps.store.stale(deps.sweepMs)).map((row) => queue.enqueue({ eventId: row.id, chatKey: row.chatKey })));
      await deps.store.purgeProcessed(KEEP_PROCESSED_MS);
    },
    { connection, prefix, concurrency, ...locks },
  );
  worker.on("error", (error) => deps.logger.error({ err: error }, "inbound worker error"));
  worker.on("failed", (job, error) => {
    if (!(error instanceof DelayedError)) deps.logger.warn({ jobId: job?.id, requestId: job?.data?.requestId, err: error }, "inbound event attempt failed");
  });
  return worker;
}
