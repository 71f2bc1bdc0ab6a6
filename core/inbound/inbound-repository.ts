import { createHash } from "node:crypto";
import type { ChannelName } from "../channels/channel";
import { Prisma } from "../db/generated/client";
import type { Db } from "../db/prisma";
import { groupCommit } from "../group-commit";
import { currentRequestId } from "../request-context";

export interface ClaimedEvent {
  id: string;
  channel: ChannelName;
  payload: unknown;
  /** Including this one. */
  attempts: number;
  /** The webhook request that stored it, if any. */
  requestId: string | null;
  receivedAt: Date;
}

export interface DeadLetter {
  id: string;
  channel: ChannelName;
  chatKey: string;
  attempts: number;
  lastError: string | null;
  receivedAt: Date;
}

interface NewEvent {
  id: string;
  channel: ChannelName;
  chatKey: string;
  payload: unknown;
  requestId: string | undefined;
}

/** Rows per INSERT: a burst of webhooks shares one statement (and one commit). */
const MAX_EVENTS_PER_INSERT = 500;

/**
 * Every messenger update as one Postgres row keyed by channel + event id, written before the messenger gets
 * its answer. The row is the dedupe: a redelivery finds it (INSERT … ON CONFLICT DO NOTHING), however long
 * after a crash. Rows of one chat are handed out one at a time, oldest first (`claimHeads`).
 */
export class InboundStore {
  /** Updates arriving while an insert is in flight go together into the next one (core/group-commit.ts). */
  private readonly insert = groupCommit((events: NewEvent[]) => this.insertAll(events), { max: MAX_EVENTS_PER_INSERT });

  /** `source`: the deployment's Redis namespace, so workers sharing a database take only their own deployment's rows. */
  constructor(
    private readonly db: Db,
    private readonly source: string,
  ) {}

  /**
   * Resolves once the row is committed; false when it already existed (a redelivery). Throws when Postgres could
   * not take it, as do all the updates written with it.
   */
  accept(channel: ChannelName, event: { id: string; chatKey: string }, payload: unknown): Promise<boolean> {
    return this.insert({ id: event.id, channel, chatKey: event.chatKey, payload, requestId: currentRequestId() });
  }

  /** One multi-row INSERT; true for each event that is new. */
  private async insertAll(events: NewEvent[]): Promise<boolean[]> {
    // `seq` is taken in arrival order (ORDER BY n), which is the order a chat's events are handled in.
    const inserted = await this.db.$queryRaw<Array<{ id: string }>>`
      INSERT INTO "InboundEvent" ("id", "channel", "chatKey", "payload", "requestId", "source", "receivedAt")
      SELECT i, c::"ChannelName", k, p::jsonb, r, ${this.source}, ${new Date()}::timestamp
      FROM unnest(${events.map((e) => e.id)}::text[], ${events.map((e) => e.channel)}::text[], ${events.map((e) => e.chatKey)}::text[],
                  ${events.map((e) => JSON.stringify(e.payload))}::text[], ${events.map((e) => e.requestId ?? null)}::text[]) WITH ORDINALITY AS t(i, c, k, p, r, n)
      ORDER BY n
      ON CONFLICT DO NOTHING
      RETURNING "id"`;
    const fresh = new Set(inserted.map((row) => row.id));
    // The same event twice in one insert (a redelivery racing the first delivery) is one row: the first caller stored it.
    return events.map((event) => fresh.delete(event.id));
  }

  /** Keeps a malformed update for an admin; the same body delivered again is the same row. */
  async deadLetter(channel: ChannelName, reason: string, payload: unknown): Promise<void> {
    const hash = createHash("sha256")
      .update(JSON.stringify(payload) ?? "undefined")
      .digest("hex")
      .slice(0, 32);
    await this.db.inboundEvent.createMany({
      data: [
        {
          id: `${channel}-dead-${hash}`,
          channel,
          payload: payload === null || payload === undefined ? Prisma.JsonNull : (payload as Prisma.InputJsonValue),
          source: this.source,
          status: "dead",
          lastError: reason.slice(0, 500),
        },
      ],
      skipDuplicates: true,
    });
  }

  /**
   * Takes, for `forMs`, the oldest pending rows of up to `limit` chats whose row is their chat's head and free: a
   * chat's next row becomes its head only once this one is processed or dead, so one chat runs in order while chats
   * run in parallel. A row another worker is taking is skipped, not waited for.
   */
  async claimHeads(limit: number, forMs: number): Promise<ClaimedEvent[]> {
    // Read committed re-checks the locked row's own columns (status, claim), so a row claimed meanwhile drops out.
    return this.db.$queryRaw<ClaimedEvent[]>`
      WITH free AS (
        SELECT e."id" FROM "InboundEvent" e
        WHERE e."source" = ${this.source} AND e."status" = 'pending'
          AND (e."claimedUntil" IS NULL OR e."claimedUntil" < now())
          AND NOT EXISTS (SELECT 1 FROM "InboundEvent" p WHERE p."chatKey" = e."chatKey" AND p."status" = 'pending' AND p."seq" < e."seq")
        ORDER BY e."seq" LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      )
      UPDATE "InboundEvent" e SET "claimedUntil" = now() + ${forMs} * interval '1 millisecond', "attempts" = e."attempts" + 1
      FROM free WHERE e."id" = free."id"
      RETURNING e."id", e."channel", e."payload", e."attempts", e."requestId", e."receivedAt"`;
  }

  /** Marks an event with nothing to answer processed (core/inbound/inbound-reply-repository.ts ends the others); false when it already was. */
  async finish(id: string): Promise<boolean> {
    const { count } = await this.db.inboundEvent.updateMany({
      where: { id, status: "pending" },
      data: { status: "processed", processedAt: new Date(), claimedUntil: null, lastError: null },
    });
    return count === 1;
  }

  /**
   * An attempt threw: the row (and so its chat) waits `retryInMs` for the next attempt, or is dead when `final`
   * (the chat goes on with its next row).
   */
  async failed(id: string, error: string, final: boolean, retryInMs = 0): Promise<void> {
    const waitMs = final || retryInMs <= 0 ? null : Math.round(retryInMs);
    // Timed by Postgres' clock, as `claimHeads` compares it.
    await this.db.$executeRaw`
      UPDATE "InboundEvent" SET "lastError" = ${error.slice(0, 500)}, "claimedUntil" = now() + ${waitMs}::int * interval '1 millisecond',
        "status" = CASE WHEN ${final} THEN 'dead'::"InboundStatus" ELSE "status" END
      WHERE "id" = ${id} AND "status" = 'pending'`;
  }

  /** When the oldest update still waiting for the inbound worker was stored (a row in its retry's wait counts). */
  async oldestPendingAt(): Promise<Date | undefined> {
    const oldest = await this.db.inboundEvent.findFirst({ where: { source: this.source, status: "pending" }, orderBy: { receivedAt: "asc" }, select: { receivedAt: true } });
    return oldest?.receivedAt;
  }

  /** Processed rows are kept as long as a messenger may redeliver (Telegram: 24 h), then go. */
  async purgeProcessed(olderThanMs: number, now = new Date()): Promise<number> {
    const { count } = await this.db.inboundEvent.deleteMany({
      where: { source: this.source, status: "processed", processedAt: { lt: new Date(now.getTime() - olderThanMs) } },
    });
    return count;
  }

  async deadLetters(limit: number): Promise<DeadLetter[]> {
    return this.db.inboundEvent.findMany({
      where: { status: "dead" },
      orderBy: { receivedAt: "desc" },
      take: limit,
      select: { id: true, channel: true, chatKey: true, attempts: true, lastError: true, receivedAt: true },
    });
  }
}
