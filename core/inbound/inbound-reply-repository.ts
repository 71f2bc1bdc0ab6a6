import { randomUUID } from "node:crypto";
import { outgoingMessageSchema, type OutgoingMessage } from "../channels/channel";
import type { Db } from "../db/prisma";
import type { Outbox } from "../outbox/outbox";

/** The event was processed meanwhile (a second delivery of it ran alongside after its claim ran out). */
export class AlreadyProcessed extends Error {
  constructor(eventId: string) {
    super(`inbound event ${eventId} was processed meanwhile`);
  }
}

/**
 * The end of an inbound event's step, inside the step's transaction (core/db/unit-of-work.ts): the event marked
 * processed and its replies written to the outbox in one statement. When the event is no longer pending the step
 * throws `AlreadyProcessed`, so its transaction, and every write the dialogue made in it, rolls back: a step run
 * twice changes the patient's state once and answers once.
 */
export class InboundReplies {
  constructor(
    private readonly db: Db,
    private readonly outbox: Outbox,
  ) {}

  /** Writes the replies and queues them for sending once the step's transaction committed (the outbox waits for it). */
  async write(eventId: string, accountId: string, messages: OutgoingMessage[]): Promise<void> {
    // A millisecond apart: messages to a chat go out in createdAt order.
    const at = Date.now();
    const rows = messages.map((message, i) => ({ id: randomUUID(), payload: JSON.stringify(outgoingMessageSchema.parse(message)), createdAt: new Date(at + i) }));
    const [done] = await this.db.$queryRaw<Array<{ id: string }>>`
      WITH done AS (
        UPDATE "InboundEvent" SET "status" = 'processed', "processedAt" = ${new Date(at)}::timestamp, "claimedUntil" = NULL, "lastError" = NULL
        WHERE "id" = ${eventId} AND "status" = 'pending'
        RETURNING "id"
      ), written AS (
        INSERT INTO "OutboxMessage" ("id", "accountId", "payload", "createdAt")
        SELECT o.i, ${accountId}::uuid, o.p::jsonb, o.c
        FROM unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.payload)}::text[], ${rows.map((r) => r.createdAt)}::timestamp[]) AS o(i, p, c)
        WHERE EXISTS (SELECT 1 FROM done)
        RETURNING "id"
      )
      SELECT "id" FROM done`;
    if (!done) throw new AlreadyProcessed(eventId);
    // The first only: its job sends the others after it (workers/outbox.worker.ts). A crash before it is queued leaves
    // pending rows that the outbox sweep queues.
    if (rows[0]) await this.outbox.dispatch(rows[0].id);
  }
}
