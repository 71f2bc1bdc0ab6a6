import { outgoingMessageSchema, type ChannelName, type OutgoingMessage } from "../channels/channel";
import type { Db, Tx } from "../db/prisma";

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
}

/**
 * Every message to a patient is written to the outbox table first and then queued, so nothing is lost when
 * the messenger or the queue is down: the row stays pending and the sweep queues it again.
 */
export class Outbox {
  constructor(
    private readonly db: Db,
    private readonly queue: OutboxQueue,
  ) {}

  /** Writes the message inside the caller's transaction; call `dispatch` with the id after the commit. */
  async write(tx: Db | Tx, accountId: string, message: OutgoingMessage, consultationMessageId?: string): Promise<string> {
    const row = await tx.outboxMessage.create({
      data: { accountId, payload: outgoingMessageSchema.parse(message), messageId: consultationMessageId },
    });
    return row.id;
  }

  async dispatch(outboxId: string): Promise<void> {
    await this.queue.enqueue(outboxId);
  }

  async send(accountId: string, message: OutgoingMessage): Promise<void> {
    await this.dispatch(await this.write(this.db, accountId, message));
  }

  /** The row to deliver, or undefined when it was already sent or given up on (jobs run at least once). */
  async pending(outboxId: string): Promise<PendingDelivery | undefined> {
    const row = await this.db.outboxMessage.findUnique({ where: { id: outboxId }, include: { account: true } });
    if (!row || row.status !== "pending") return undefined;
    return {
      id: row.id,
      accountId: row.accountId,
      channel: row.account.channel,
      chatId: row.account.chatId,
      message: outgoingMessageSchema.parse(row.payload),
      createdAt: row.createdAt,
    };
  }

  /** Messages to one chat go out in the order they were written: how many written before this one still wait. */
  async earlierPendingCount(delivery: PendingDelivery): Promise<number> {
    return this.db.outboxMessage.count({
      where: {
        accountId: delivery.accountId,
        status: "pending",
        id: { not: delivery.id },
        createdAt: { lt: delivery.createdAt },
      },
    });
  }

  /** Takes the row for one send attempt; false while another worker's attempt holds it. */
  async claim(outboxId: string, now: Date, forMs: number): Promise<boolean> {
    const { count } = await this.db.outboxMessage.updateMany({
      where: { id: outboxId, status: "pending", OR: [{ claimedUntil: null }, { claimedUntil: { lt: now } }] },
      data: { claimedUntil: new Date(now.getTime() + forMs) },
    });
    return count === 1;
  }

  async markSent(outboxId: string, externalMessageId: string, at: Date): Promise<void> {
    await this.db.$transaction(async (tx) => {
      const row = await tx.outboxMessage.update({
        where: { id: outboxId },
        data: { status: "sent", externalMessageId, sentAt: at, attempts: { increment: 1 }, lastError: null },
      });
      if (row.messageId) await tx.message.update({ where: { id: row.messageId }, data: { deliveryStatus: "sent" } });
    });
  }

  async recordAttemptFailed(outboxId: string, error: string, final: boolean): Promise<void> {
    await this.db.$transaction(async (tx) => {
      const row = await tx.outboxMessage.update({
        where: { id: outboxId },
        data: { attempts: { increment: 1 }, lastError: error.slice(0, 500), status: final ? "failed" : "pending", claimedUntil: null },
      });
      if (final && row.messageId) {
        await tx.message.update({ where: { id: row.messageId }, data: { deliveryStatus: "failed" } });
      }
    });
  }

  /** Pending rows older than `olderThanMs`: their job may have been lost (queue down at write time). */
  async stalePendingIds(olderThanMs: number, now: Date, limit = 500): Promise<string[]> {
    const rows = await this.db.outboxMessage.findMany({
      where: { status: "pending", createdAt: { lt: new Date(now.getTime() - olderThanMs) } },
      orderBy: { createdAt: "asc" },
      take: limit,
      select: { id: true },
    });
    return rows.map((row) => row.id);
  }
}
