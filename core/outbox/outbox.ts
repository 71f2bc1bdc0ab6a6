import { outgoingMessageSchema, type ChannelName, type OutgoingMessage } from "../channels/channel";
import type { Db, Tx } from "../db/prisma";
import { OutboxRepository, type StoredDelivery } from "./outbox-repository";

/** Hands an outbox row to the delivery queue; implemented in workers/ with BullMQ. */
export interface OutboxQueue {
  enqueue(outboxId: string): Promise<void>;
}

export interface PendingDelivery {
  id: string;
  accountId: string;
  channel: ChannelName;
  chatId: string;
  message: OutgoingMessage;
  createdAt: Date;
  /** Messages to one chat go out in the order they were written: how many written before this one still wait. */
  earlierPending: number;
}

/** A pending row read for a send; `claimedUntil`: the claim this send holds, if it got one. */
export interface Taken {
  kind: "taken";
  delivery: PendingDelivery;
  claimedUntil: Date | undefined;
}

const taken = ({ payload, ...delivery }: StoredDelivery, claimedUntil: Date | undefined): Taken => ({
  kind: "taken",
  delivery: { ...delivery, message: outgoingMessageSchema.parse(payload) },
  claimedUntil,
});

/**
 * Every message to a patient is written to the outbox table first and then queued, so nothing is lost when
 * the messenger or the queue is down: the row stays pending and the sweep queues it again.
 */
export class Outbox {
  constructor(
    private readonly repo: OutboxRepository,
    private readonly queue: OutboxQueue,
  ) {}

  /** Writes the message inside the caller's transaction; call `dispatch` with the id after the commit. */
  async write(tx: Db | Tx, accountId: string, message: OutgoingMessage, consultationMessageId?: string): Promise<string> {
    return new OutboxRepository(tx).create(accountId, outgoingMessageSchema.parse(message), consultationMessageId);
  }

  /** The message as an outbox row stores it, for writers that insert rows in bulk (checked like `write` does). */
  validated(message: OutgoingMessage): object {
    return outgoingMessageSchema.parse(message);
  }

  async dispatch(outboxId: string): Promise<void> {
    await this.queue.enqueue(outboxId);
  }

  async send(accountId: string, message: OutgoingMessage): Promise<void> {
    await this.dispatch(await this.repo.create(accountId, outgoingMessageSchema.parse(message)));
  }

  /**
   * The row to deliver, taken for one send attempt when it is the chat's next: `claimedUntil`, the claim's end (to let
   * go of it), is undefined while an earlier message waits or another attempt holds the row. "gone" when it was already
   * sent or given up on (jobs run at least once), with the chat's next pending row if there is one.
   */
  async take(outboxId: string, now: Date, forMs: number): Promise<Taken | { kind: "gone"; following?: string }> {
    const until = new Date(now.getTime() + forMs);
    const row = await this.repo.take(outboxId, now, until);
    return row.delivery ? taken(row.delivery, row.claimed ? until : undefined) : { kind: "gone", ...(row.following ? { following: row.following } : {}) };
  }

  /** The attempt did not send after all (it waits for the messenger's limit): the next one may take the row at once. */
  unclaim(outboxId: string, claimedUntil: Date): Promise<void> {
    return this.repo.unclaim(outboxId, claimedUntil);
  }

  /**
   * Records the send; returns the chat's next pending row, which waited for this one, taken for its own send when
   * `forMs` is given (as `take` would: one statement for both).
   */
  async markSent(outboxId: string, externalMessageId: string, at: Date, forMs?: number): Promise<Taken | undefined> {
    const until = forMs === undefined ? undefined : new Date(at.getTime() + forMs);
    const { next, claimed } = await this.repo.markSent(outboxId, externalMessageId, at, until);
    return next && taken(next, claimed ? until : undefined);
  }

  recordAttemptFailed(outboxId: string, error: string, final: boolean): Promise<void> {
    return this.repo.recordAttemptFailed(outboxId, error, final);
  }

  /** Pending rows older than `olderThanMs`: their job may have been lost (queue down at write time). */
  stalePendingIds(olderThanMs: number, now: Date, limit = 500): Promise<string[]> {
    return this.repo.pendingSince(new Date(now.getTime() - olderThanMs), limit);
  }

  /** When the oldest message still waiting was written (the outbox lag on /metrics). */
  oldestPendingAt(): Promise<Date | undefined> {
    return this.repo.oldestPendingAt();
  }
}
