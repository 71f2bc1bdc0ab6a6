import type { ChannelName, IncomingEvent, OutgoingMessage } from "../core/channels/channel";
import { AlreadyProcessed, type InboundReplies, type StepReplies } from "../core/inbound/inbound-reply-repository";
import type { ClaimedEvent, InboundStore } from "../core/inbound/inbound-repository";
import type { Logger } from "../core/logger";
import { accountKey, type PatientAccount } from "../core/patients/patient-repository";
import { queueNames } from "../core/redis-keys";
import { currentRequestId, runWithRequestId } from "../core/request-context";
import type { QueueDeclaration } from "./job-queues";

/** Processed rows stay as the dedupe key this long: Telegram keeps an undelivered update 24 h. */
const KEEP_PROCESSED_MS = 3 * 24 * 3600_000;
/**
 * Events run in one transaction: one claim and one commit for many events instead of each. With 8 loops, 16 and 32
 * did about the same on `npm run bench:webhook`, 8 less (README, "No queue job per event").
 */
export const EVENTS_PER_TRANSACTION = 16;
/**
 * Batches a worker process runs at once, each in its own transaction: enough to overlap the database's round trips.
 * On the bench 2 loops did 661–665 updates/s, 4 about 790, 8 about the same with a quarter of 4's latency, 16 less.
 */
export const INBOUND_LOOPS = 8;
/** How often an idle loop looks for stored events nobody woke it for (a ring lost while Redis was away). */
const IDLE_POLL_MS = 1000;
/** `InboundDeps.backoffMs` of a running service. */
export const INBOUND_BACKOFF_MS = 500;
/** The longest wait between two attempts at a failing event (the wait doubles from `InboundDeps.backoffMs`). */
const MAX_BACKOFF_MS = 5 * 60_000;

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
  /**
   * Counts an event's step for /metrics once it committed (handled) or failed on its own (not a batch's rollback);
   * `receivedAt`: when the edge stored it.
   */
  counted?: (event: IncomingEvent, outcome: "handled" | "failed", receivedAt: Date) => void;
  /** After the event is handled: drops what the edge kept beside the row (a widget upload's bytes). */
  handled?: (channel: ChannelName, payload: unknown) => Promise<void>;
  logger: Logger;
  /** Events run in one transaction, each the head of its own chat (1: each alone). */
  batch: number;
  /** Attempts per event before it becomes a dead letter. */
  attempts: number;
  /** The wait before an event's second attempt; it doubles with each further one. */
  backoffMs: number;
  /** How long one attempt holds its event (a killed worker's event waits this long). */
  claimMs: number;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The inbound worker: loops that each take the heads of up to `batch` chats (`claimHeads`) and run them in one
 * transaction, as long as any are waiting; idle, a loop waits for the bell (`wake`, core/inbound/inbound-bell.ts) or
 * polls. No queue job per event: the rows in Postgres are the queue, and a chat's order is theirs.
 */
export class InboundPump {
  private readonly loops: Array<Promise<void>> = [];
  private readonly sleeping = new Set<() => void>();
  /** Counts the wakes, so a loop that found nothing knows whether one came while it looked. */
  private wakes = 0;
  private stopped = false;

  constructor(private readonly deps: InboundDeps) {}

  start(loops = INBOUND_LOOPS): void {
    for (let i = 0; i < loops; i++) this.loops.push(this.loop());
  }

  /** Events were stored: every idle loop looks now. */
  wake(): void {
    this.wakes++;
    for (const awake of this.sleeping) awake();
  }

  /** Lets each loop finish its batch. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await Promise.all(this.loops);
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const wakes = this.wakes;
      const ran = await runWaiting(this.deps).catch((error) => {
        this.deps.logger.warn({ err: error }, "inbound events not taken: looking again later");
        return 0;
      });
      if (ran === 0 && wakes === this.wakes) await this.idle();
    }
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const awake = () => {
        clearTimeout(timer);
        this.sleeping.delete(awake);
        resolve();
      };
      const timer = setTimeout(awake, IDLE_POLL_MS);
      this.sleeping.add(awake);
    });
  }
}

/** Takes the heads of up to `batch` chats and runs them; how many it took (0: nothing is waiting). */
export async function runWaiting(deps: InboundDeps): Promise<number> {
  const claimed = await deps.store.claimHeads(deps.batch, deps.claimMs);
  if (claimed.length > 0) await runBatch(claimed, deps);
  return claimed.length;
}

type Decoded = { claimed: ClaimedEvent; event: IncomingEvent };

/**
 * One transaction for the batch; when any of its events fails, each runs again on its own, so one bad event costs
 * the others nothing. A failure is recorded on the event's row, which waits its backoff.
 */
async function runBatch(claimed: ClaimedEvent[], deps: InboundDeps): Promise<void> {
  const decoded = (await Promise.all(claimed.map((row) => decodeOrFinish(row, deps)))).filter((d): d is Decoded => d !== undefined);
  if (decoded.length > 1) {
    try {
      await deps.transaction(() => steps(decoded, deps));
      for (const { claimed, event } of decoded) deps.counted?.(event, "handled", claimed.receivedAt);
      await Promise.all(decoded.map(({ claimed }) => afterHandled(claimed, deps)));
      return;
    } catch (error) {
      deps.logger.debug({ err: error }, "inbound batch failed: its events run one by one");
    }
  }
  for (const item of decoded) await runOne(item, deps);
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

/** One event in its own transaction; a failure is kept on its row (the retry's wait, or dead after its attempts). */
async function runOne({ claimed, event }: Decoded, deps: InboundDeps): Promise<void> {
  try {
    await deps.transaction(() => steps([{ claimed, event }], deps));
    deps.counted?.(event, "handled", claimed.receivedAt);
    await afterHandled(claimed, deps);
  } catch (error) {
    // Another attempt (whose claim this one outlived) handled it.
    if (error instanceof AlreadyProcessed) return;
    deps.counted?.(event, "failed", claimed.receivedAt);
    const final = claimed.attempts >= deps.attempts;
    const retryInMs = Math.min(deps.backoffMs * 2 ** (claimed.attempts - 1), MAX_BACKOFF_MS);
    await deps.store.failed(claimed.id, message(error), final, retryInMs);
    if (final) deps.logger.error({ eventId: claimed.id, err: error }, "inbound event failed every attempt: kept as a dead letter");
    else deps.logger.warn({ eventId: claimed.id, attempt: claimed.attempts, err: error }, "inbound event failed: rolled back, retried");
  }
}

/**
 * The dialogue's writes, the processed marks and the replies, inside the caller's transaction: they commit together and
 * a retry starts from before them. The senders' accounts are read (the new ones created) together and the steps' ends
 * written in one statement (a batch's round trips are its cost: README, "Benchmarks"); an account read that way serves
 * its sender's first step only, as a step may change it. Each step runs under the request id of the webhook that stored
 * its event, whichever worker runs it: the replies it queues carry that id on to the outbox.
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

/** `everyMs`: how often processed rows past their dedupe time are deleted (INBOUND_SWEEP_SECONDS). */
export const inboundQueue = (everyMs: number): QueueDeclaration<Pick<InboundDeps, "store">> => ({
  name: queueNames.inbound,
  concurrency: 1,
  process: async (_job, deps) => deps.store.purgeProcessed(KEEP_PROCESSED_MS),
  schedulers: [{ id: "inbound-sweep", everyMs, job: { name: "sweep", opts: { removeOnComplete: true, removeOnFail: 100 } } }],
});
