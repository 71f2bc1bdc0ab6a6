import { randomUUID } from "node:crypto";
import type { ChannelName } from "../channels/channel";
import type { Db, Tx } from "../db/prisma";
import { groupCommit } from "../group-commit";

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

/** A send to record: `until`, the claim to take on the chat's next row. */
interface SentRow {
  outboxId: string;
  externalMessageId: string;
  at: Date;
  until: Date | undefined;
}

interface MarkedSent {
  next?: StoredDelivery;
  claimed: boolean;
}

/** Rows per markSent statement (the outbox worker's concurrency is far below). */
const MAX_SENT_PER_STATEMENT = 100;

/** Outbox rows in Postgres (and the consultation message whose delivery a row carries). */
export class OutboxRepository {
  /**
   * Sends recorded while one is in flight go together into the next statement (core/group-commit.ts), outside any
   * unit of work (the outbox worker records outside one). A repository bound to a transaction records alone: its
   * statements belong to that transaction.
   */
  private readonly markSentTogether: ((row: SentRow) => Promise<MarkedSent>) | undefined;

  constructor(private readonly db: Db | Tx) {
    const client = "$transaction" in db;
    this.markSentTogether = client ? groupCommit((rows: SentRow[]) => this.markSentAll(rows), { max: MAX_SENT_PER_STATEMENT }) : undefined;
  }

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
   * Sends recorded at the same moment share that statement.
   */
  markSent(outboxId: string, externalMessageId: string, at: Date, until?: Date): Promise<MarkedSent> {
    const row = { outboxId, externalMessageId, at, until };
    return this.markSentTogether ? this.markSentTogether(row) : this.markSentAll([row]).then(([marked]) => marked!);
  }

  /** The rows' results in their order. */
  private async markSentAll(rows: SentRow[]): Promise<MarkedSent[]> {
    const found = await this.db.$queryRaw<Array<Partial<StoredDelivery> & { claimed: boolean }>>`
      WITH input AS (
        SELECT * FROM unnest(${rows.map((r) => r.outboxId)}::uuid[], ${rows.map((r) => r.externalMessageId)}::text[],
                             ${rows.map((r) => r.at)}::timestamp[], ${rows.map((r) => r.until ?? null)}::timestamp[])
          WITH ORDINALITY AS t("id", "externalMessageId", "at", "until", "n")
      ), sent AS (
        UPDATE "OutboxMessage" o SET "status" = 'sent', "externalMessageId" = i."externalMessageId", "sentAt" = i."at",
          "attempts" = o."attempts" + 1, "lastError" = NULL
        FROM input i WHERE o."id" = i."id"
        RETURNING i."n", o."accountId", o."messageId"
      ), message AS (
        UPDATE "Message" SET "deliveryStatus" = 'sent' WHERE "id" IN (SELECT "messageId" FROM sent)
      ), head AS (
        -- Two rows of one chat in the batch: only the first reads (and may claim) the chat's next, or both would send it.
        SELECT DISTINCT ON ("accountId") "n", "accountId" FROM sent ORDER BY "accountId", "n"
      ), next AS (
        SELECT head."n", p.* FROM head CROSS JOIN LATERAL (
          -- The statement still sees the batch's rows pending: none of them is a next.
          SELECT o."id", o."accountId", a."channel"::text AS "channel", a."chatId", o."payload", o."createdAt"
          FROM "OutboxMessage" o JOIN "MessengerAccount" a ON a."id" = o."accountId"
          WHERE o."accountId" = head."accountId" AND o."status" = 'pending' AND o."id" NOT IN (SELECT "id" FROM input)
          ORDER BY o."createdAt" LIMIT 1
        ) p
      ), claimed AS (
        UPDATE "OutboxMessage" o SET "claimedUntil" = i."until"
        FROM next JOIN input i ON i."n" = next."n"
        WHERE i."until" IS NOT NULL AND o."id" = next."id" AND o."status" = 'pending'
          AND (o."claimedUntil" IS NULL OR o."claimedUntil" < i."at")
        RETURNING next."n"
      )
      -- The oldest pending row of the chat has no earlier one.
      SELECT next."id", next."accountId", next."channel", next."chatId", next."payload", next."createdAt", 0 AS "earlierPending",
        claimed."n" IS NOT NULL AS "claimed"
      FROM input LEFT JOIN next ON next."n" = input."n" LEFT JOIN claimed ON claimed."n" = input."n"
      ORDER BY input."n"`;
    return found.map(({ claimed, ...next }) => ({ claimed, ...(next.id ? { next: next as StoredDelivery } : {}) }));
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
