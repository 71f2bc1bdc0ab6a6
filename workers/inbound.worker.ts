import { DelayedError, type Job, type Queue } from "bullmq";
import { z } from "zod";
import type { ChannelName, IncomingEvent, OutgoingMessage } from "../core/channels/channel";
import { AlreadyProcessed, type InboundReplies, type StepReplies } from "../core/inbound/inbound-reply-repository";
import type { ClaimedEvent, InboundStore } from "../core/inbound/inbound-repository";
import { groupCommit } from "../core/group-commit";
import type { Logger } from "../core/logger";
import { accountKey, type PatientAccount } from "../core/patients/patient-repository";
import { queueNames } from "../core/redis-keys";
import { currentRequestId, runWithRequestId } from "../core/request-context";
import type { QueueDeclaration } from "./job-queues";

export const INBOUND_QUEUE = queueNames.inbound;
/** Processed rows stay as the dedupe key this long: Telegram keeps an undelivered update 24 h. */
const KEEP_PROCESSED_MS = 3 * 24 * 3600_000;
/** While another worker holds the chat's oldest event, look again this much later. */
const BUSY_RETRY_MS = 300;
/**
 * Events run in one transaction (a job's own and other chats' heads taken along): one commit and one claim for many
 * events instead of each. On `npm run bench:webhook` 16 took end to end from about 300 to about 400 updates/s (README,
 * "Batches"); 8 and 32 did no better.
 */
export const EVENTS_PER_TRANSACTION = 16;

/** Ids only: the event itself (a patient's words) waits in Postgres, not in Redis. */
const jobSchema = z.object({
  eventId: z.string().min(1).max(300),
  chatKey: z.string().min(1).max(200),
  /** The webhook request that stored the event (issue 19: one id from the api's log into the worker's). */
  requestId: z.string().max(64).optional(),
});
export type InboundJob = z.infer<typeof jobSchema>;

const jobOptions = {
  attempts: 20,
  backoff: { type: "exponential", delay: 500 },
  // Removed either way so the sweep can queue the id again; the row keeps the outcome and the error.
  removeOnComplete: true,
  removeOnFail: true,
};

/** Queues events by id; the jobs of a burst of webhooks go to Redis in one addBulk (one round trip), as their rows went in one insert. */
export function inboundEnqueuer(queue: Queue): (job: InboundJob) => Promise<void> {
  return groupCommit(
    async (jobs: InboundJob[]) => {
      // BullMQ job ids may not contain ":" (event ids do not); the same id twice is one job.
      await queue.addBulk(jobs.map((job) => ({ name: "event", data: jobSchema.parse(job), opts: { ...jobOptions, jobId: job.eventId } })));
      return jobs.map(() => undefined);
    },
    { max: 500 },
  );
}

/**
 * The events this process runs, or ran, as companions of another job's event. Their own job, which may start while
 * that batch runs, waits for it instead of claiming the event (the claim would find it taken and try again later),
 * and ends at once when it committed. Bounded, oldest dropped first: the job of an id left behind ran in another
 * process, where the claim finds the event processed.
 */
export class CompanionsHere {
  private readonly running = new Map<string, Promise<boolean>>();
  private readonly committed = new Set<string>();
  constructor(private readonly max = 10_000) {}

  /** `ids` run in a batch; `outcome` resolves true once it committed, false when it rolled back. */
  track(ids: string[], outcome: Promise<boolean>): void {
    for (const id of ids) this.running.set(id, outcome);
    void outcome.then((ok) => {
      for (const id of ids) {
        this.running.delete(id);
        if (ok) this.committed.add(id);
      }
      while (this.committed.size > this.max) this.committed.delete(this.committed.values().next().value!);
    });
  }

  /** Whether the event was committed here as a companion, once its batch ended; forgets it (its one job asks once). */
  async committedHere(id: string): Promise<boolean> {
    await this.running.get(id);
    return this.committed.delete(id);
  }
}

export interface InboundDeps {
  store: InboundStore;
  /** The channel's raw event as the channel-neutral event; undefined for one we do not handle; throws when malformed. */
  decode: (channel: ChannelName, payload: unknown) => IncomingEvent | undefined;
  /** Runs one event's step in one database transaction (core/db/unit-of-work.ts). */
  transaction: <T>(work: () => Promise<T>) => Promise<T>;
  /** Marks handled events processed together with writing their replies. */
  replies: Pick<InboundReplies, "write">;
  /** The senders' accounts, read (and the missing ones created) for a batch at once; by `accountKey`. */
  accounts: (senders: Array<IncomingEvent["sender"]>) => Promise<Map<string, PatientAccount>>;
  /** The dialogue: hands its replies to `commit`; `read`: the sender's account as already read, if it was. */
  handle: (event: IncomingEvent, commit: (accountId: string, replies: OutgoingMessage[]) => Promise<void>, read?: PatientAccount) => Promise<void>;
  /** Counts an event's step for /metrics once it committed (handled) or failed on its own (not a batch's rollback). */
  counted?: (event: IncomingEvent, outcome: "handled" | "failed") => void;
  /** After the event is handled: drops what the edge kept beside the row (a widget upload's bytes). */
  handled?: (channel: ChannelName, payload: unknown) => Promise<void>;
  logger: Logger;
  /** Events run in one transaction: the job's own and the heads of other chats taken along (1: each alone). */
  batch: number;
  /** The companions this process runs, so their own jobs need not claim them. */
  companions: CompanionsHere;
  /** Attempts per event before it becomes a dead letter. */
  attempts: number;
  /** How long one attempt holds its event (a killed worker's event waits this long). */
  claimMs: number;
  /** How often stored-but-unqueued rows are looked for, and how old they must be. */
  sweepMs: number;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Runs the chat's pending events oldest first until none is left: events of one chat in order, chats in
 * parallel (one job per event, whichever job holds the chat's head does the work). Each of its events takes the heads
 * of up to `batch` − 1 other chats along into the same transaction.
 */
export async function processInbound(job: Pick<Job, "data" | "moveToDelayed">, token: string | undefined, deps: InboundDeps): Promise<void> {
  const { eventId, chatKey } = jobSchema.parse(job.data);
  // Each event has a job of its own: a later event of the chat is its job's to run.
  if (await deps.companions.committedHere(eventId)) return;
  for (let more = true; more; ) {
    const claimed = await deps.store.claimNext(chatKey, deps.claimMs);
    if (claimed === undefined) return;
    if (claimed === "busy") {
      // The holder goes on to this job's event after its own; if it died, its claim runs out and this job takes over.
      await job.moveToDelayed(Date.now() + BUSY_RETRY_MS, token);
      throw new DelayedError();
    }
    // Nothing was behind it: no claim to find that out. An event stored since has its own job, which waits its turn.
    more = claimed.more;
    const companions = await deps.store.claimHeads(deps.batch - 1, deps.claimMs, chatKey);
    await runBatch(claimed, companions, deps);
  }
}

type Decoded = { claimed: ClaimedEvent; event: IncomingEvent };

/**
 * One transaction for the job's event and its companions; when any of them fails, each runs again on its own, so one
 * bad event costs the others nothing. Throws when the job's own event failed (BullMQ retries the job); a companion's
 * failure is recorded on its row, and its own job, which found the row taken, retries it.
 */
async function runBatch(own: ClaimedEvent, companions: ClaimedEvent[], deps: InboundDeps): Promise<void> {
  const decoded = (await Promise.all([...companions, own].map((claimed) => decodeOrFinish(claimed, deps)))).filter((d): d is Decoded => d !== undefined);
  if (decoded.length > 1) {
    const batch = deps.transaction(() => steps(decoded, deps));
    deps.companions.track(
      companions.map((claimed) => claimed.id),
      batch.then(() => true, () => false),
    );
    try {
      await batch;
      for (const { event } of decoded) deps.counted?.(event, "handled");
      await Promise.all(decoded.map(({ claimed }) => afterHandled(claimed, deps)));
      return;
    } catch (error) {
      deps.logger.debug({ err: error }, "inbound batch failed: its events run one by one");
    }
  }
  for (const item of decoded) if (item.claimed !== own) await runOne(item, deps).catch(() => undefined);
  const mine = decoded.find((item) => item.claimed === own);
  if (mine) await runOne(mine, deps);
}

/** The channel-neutral event; undefined when there is nothing to run (malformed: a dead letter; not handled: finished). */
async function decodeOrFinish(claimed: ClaimedEvent, deps: InboundDeps): Promise<Decoded | undefined> {
  let event: IncomingEvent | undefined;
  try {
    event = deps.decode(claimed.channel, claimed.payload);
  } catch (error) {
    await deps.store.failed(claimed.id, `malformed: ${message(error)}`, true);
    deps.logger.warn({ eventId: claimed.id }, "inbound event malformed: kept as a dead letter");
    return undefined;
  }
  if (!event) await deps.store.finish(claimed.id);
  return event && { claimed, event };
}

/** One event in its own transaction; throws (to be retried) unless it was processed or used up its attempts. */
async function runOne({ claimed, event }: Decoded, deps: InboundDeps): Promise<void> {
  try {
    await deps.transaction(() => steps([{ claimed, event }], deps));
    deps.counted?.(event, "handled");
    await afterHandled(claimed, deps);
  } catch (error) {
    if (error instanceof AlreadyProcessed) return;
    deps.counted?.(event, "failed");
    const final = claimed.attempts >= deps.attempts;
    await deps.store.failed(claimed.id, message(error), final);
    // Retried whatever its kind (the row counts the attempts): an AppError would otherwise end the job at once.
    if (!final) {
      deps.logger.warn({ eventId: claimed.id, attempt: claimed.attempts, err: error }, "inbound event failed: rolled back, retried");
      throw new Error(message(error), { cause: error });
    }
    deps.logger.error({ eventId: claimed.id, err: error }, "inbound event failed every attempt: kept as a dead letter");
  }
}

/**
 * The dialogue's writes, the processed marks and the replies, inside the caller's transaction: they commit together and
 * a retry starts from before them. The senders' accounts are read (the new ones created) together and the steps' ends
 * written in one statement (a batch's round trips are its cost: README, "Benchmarks"); an account read that way serves
 * its sender's first step only, as a step may change it. Each step runs under the request id of the webhook that stored
 * its event, whichever job runs it: the replies it queues carry that id on to the outbox.
 */
async function steps(items: Decoded[], deps: InboundDeps): Promise<void> {
  const read = await deps.accounts(items.map(({ event }) => event.sender));
  const ends: StepReplies[] = [];
  for (const { claimed, event } of items) {
    const key = accountKey(event.sender);
    const account = read.get(key);
    read.delete(key);
    const end = async (accountId: string, messages: OutgoingMessage[]) => void ends.push({ eventId: claimed.id, accountId, messages, requestId: currentRequestId() });
    const run = () => deps.handle(event, end, account);
    await (claimed.requestId ? runWithRequestId(claimed.requestId, run) : run());
  }
  await deps.replies.write(ends);
}

const afterHandled = (claimed: ClaimedEvent, deps: InboundDeps) =>
  deps.handled?.(claimed.channel, claimed.payload).catch((error) => deps.logger.warn({ eventId: claimed.id, err: error }, "inbound event handled, leftovers not removed"));

/** Queues the stored events no job took (the api died between the insert and the enqueue), drops old processed rows. */
export async function processSweep(deps: Pick<InboundDeps, "store" | "sweepMs">, queue: Queue): Promise<void> {
  const enqueue = inboundEnqueuer(queue);
  await Promise.all((await deps.store.stale(deps.sweepMs)).map((row) => enqueue({ eventId: row.id, chatKey: row.chatKey })));
  await deps.store.purgeProcessed(KEEP_PROCESSED_MS);
}

/** `sweepEveryMs`: how often the sweep runs (INBOUND_SWEEP_SECONDS). */
export const inboundQueue = (sweepEveryMs: number): QueueDeclaration<InboundDeps> => ({
  name: INBOUND_QUEUE,
  concurrency: 32,
  process: (job, deps, token, queue) => (job.name === "sweep" ? processSweep(deps, queue) : processInbound(job, token, deps)),
  schedulers: [{ id: "inbound-sweep", everyMs: sweepEveryMs, job: { name: "sweep", opts: { removeOnComplete: true, removeOnFail: 100 } } }],
});
