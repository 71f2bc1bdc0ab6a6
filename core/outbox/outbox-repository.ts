import { randomUUID } from "node:crypto";
import type { ChannelName } from "../channels/channel";
import type { Db, Tx } from "../db/prisma";

/** An outbox row as stored: the message still to be parsed by the outbox. */
export interface StoredDelivery {
  id: string;
  accountId: string;
  channel: ChannelName;
  chatId: string;
  payload: unknown;
  createdAt: Date;
  /** Rows to the same chat written before this one and still pending: they go first. */
  earlierPending: number;
}

/** Outbox rows in Postgres (and the consultation message whose delivery a row carries). */
export class OutboxRepository {
  constructor(private readonly db: Db | Tx) {}

  /** Runs `work` in one transaction; it gets the transaction itself for the caller's own writes. */
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return "$transaction" in this.db ? this.db.$transaction(work) : work(this.db);
  }

  /**
   * A chat's messages go out in `createdAt` order, so a row is dated strictly after the chat's pending ones: two
   * written in the same millisecond (or the same transaction) would otherwise tie and could go out in either order.
   */
  async create(accountId: string, payload: object, consultationMessageId?: string): Promise<string> {
    const [row] = await this.db.$queryRaw<Array<{ id: string }>>`
      INSERT INTO "OutboxMessage" ("id", "accountId", "payload", "messageId", "createdAt")
      SELECT ${randomUUID()}::uuid, ${accountId}::uuid, ${JSON.stringify(payload)}::jsonb, ${consultationMessageId ?? null}::uuid,
        GREATEST(${new Date()}::timestamp, (SELECT max("createdAt") + interval '1 millisecond' FROM "OutboxMessage"
                                            WHERE "accountId" = ${accountId}::uuid AND "status" = 'pending'))
      RETURNING "id"`;
    return row!.id;
  }

  /**
   * The row with its chat, when it is still pending, claimed until `until` when it is the chat's next and no other
   * live claim holds it; otherwise the chat's next pending row (`following`). One statement (each send starts here).
   * Two takers at once: the row lock lets one claim.
   */
  async take(outboxId: string, now: Date, until: Date): Promise<{ delivery?: StoredDelivery; claimed: boolean; following?: string }> {
    const [row] = await this.db.$queryRaw<Array<Partial<StoredDelivery> & { claimed: boolean; following: string | null }>>`
      WITH target AS (
        SELECT o."id", o."accountId", a."channel"::text AS "channel", a."chatId", o."payload", o."createdAt",
          (SELECT count(*)::int FROM "OutboxMessage" e
           WHERE e."accountId" = o."accountId" AND e."status" = 'pending' AND e."id" <> o."id" AND e."createdAt" < o."createdAt") AS "earlierPending"
        FROM "OutboxMessage" o JOIN "MessengerAccount" a ON a."id" = o."accountId"
        WHERE o."id" = ${outboxId}::uuid AND o."status" = 'pending'
      ), claimed AS (
        UPDATE "OutboxMessage" o SET "claimedUntil" = ${until}::timestamp
        FROM target t
        WHERE o."id" = t."id" AND t."earlierPending" = 0 AND o."status" = 'pending' AND (o."claimedUntil" IS NULL OR o."claimedUntil" < ${now}::timestamp)
        RETURNING o."id"
      )
      SELECT target.*, EXISTS (SELECT 1 FROM claimed) AS "claimed",
        (SELECT p."id" FROM "OutboxMessage" p JOIN "OutboxMessage" r ON p."accountId" = r."accountId"
         WHERE r."id" = ${outboxId}::uuid AND r."status" <> 'pending' AND p."status" = 'pending' ORDER BY p."createdAt" LIMIT 1) AS "following"
      FROM (SELECT 1) one LEFT JOIN target ON true`;
    const { claimed, following, ...delivery } = row!;
    return { claimed, ...(delivery.id ? { delivery: delivery as StoredDelivery } : {}), ...(following ? { following } : {}) };
  }

  /** Lets go of a claim this attempt holds (it is identified by its own `until`) without having sent. */
  async unclaim(outboxId: string, until: Date): Promise<void> {
    await this.db.outboxMessage.updateMany({ where: { id: outboxId, status: "pending", claimedUntil: until }, data: { claimedUntil: null } });
  }

  /**
   * Marks the row sent, and the consultation message it carries, in one statement that also reads the chat's next
   * pending row (the one that waited for this), and with `until` claims it for the send that follows (`claimed`).
   */
  async markSent(outboxId: string, externalMessageId: string, at: Date, until?: Date): Promise<{ next?: StoredDelivery; claimed: boolean }> {
    const [row] = await this.db.$queryRaw<Array<Partial<StoredDelivery> & { claimed: boolean }>>`
      WITH sent AS (
        UPDATE "OutboxMessage" SET "status" = 'sent', "externalMessageId" = ${externalMessageId}, "sentAt" = ${at}::timestamp,
          "attempts" = "attempts" + 1, "lastError" = NULL
        WHERE "id" = ${outboxId}::uuid
        RETURNING "accountId", "messageId"
      ), message AS (
        UPDATE "Message" SET "deliveryStatus" = 'sent' WHERE "id" = (SELECT "messageId" FROM sent)
      ), next AS (
        SELECT o."id", o."accountId", a."channel"::text AS "channel", a."chatId", o."payload", o."createdAt"
        FROM "OutboxMessage" o JOIN sent ON o."accountId" = sent."accountId" JOIN "MessengerAccount" a ON a."id" = o."accountId"
        WHERE o."status" = 'pending' AND o."id" <> ${outboxId}::uuid ORDER BY o."createdAt" LIMIT 1
      ), claimed AS (
        UPDATE "OutboxMessage" o SET "claimedUntil" = ${until ?? null}::timestamp
        FROM next n
        WHERE ${until ?? null}::timestamp IS NOT NULL AND o."id" = n."id" AND o."status" = 'pending'
          AND (o."claimedUntil" IS NULL OR o."claimedUntil" < ${at}::timestamp)
        RETURNING o."id"
      )
      -- The oldest pending row of the chat has no earlier one.
      SELECT next.*, 0 AS "earlierPending", EXISTS (SELECT 1 FROM claimed) AS "claimed" FROM (SELECT 1) one LEFT JOIN next ON true`;
    const { claimed, ...next } = row!;
    return { claimed, ...(next.id ? { next: next as StoredDelivery } : {}) };
  }

  async recordAttemptFailed(outboxId: string, error: string, final: boolean): Promise<void> {
    await this.transaction(async (tx) => {
      const row = await tx.outboxMessage.update({
        where: { id: outboxId },
        data: { attempts: { increment: 1 }, lastError: error.slice(0, 500), status: final ? "failed" : "pending", claimedUntil: null },
      });
      if (final && row.messageId) await tx.message.update({ where: { id: row.messageId }, data: { deliveryStatus: "failed" } });
    });
  }

  async pendingSince(before: Date, limit: number): Promise<string[]> {
    const rows = await this.db.outboxMessage.findMany({
      where: { status: "pending", createdAt: { lt: before } },
      orderBy: { createdAt: "asc" },
      take: limit,
      select: { id: true },
    });
    return rows.map((row) => row.id);
  }

  /** When the oldest pending row was written (served by the (status, createdAt) index). */
  async oldestPendingAt(): Promise<Date | undefined> {
    const oldest = await this.db.outboxMessage.findFirst({ where: { status: "pending" }, orderBy: { createdAt: "asc" }, select: { createdAt: true } });
    return oldest?.createdAt;
  }
}
