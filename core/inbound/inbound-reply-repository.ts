import { randomUUID } from "node:crypto";
import { outgoingMessageSchema, type OutgoingMessage } from "../channels/channel";
import type { Db } from "../db/prisma";
import { groupCommit } from "../group-commit";
import type { Outbox } from "../outbox/outbox";

interface Handled {
  eventId: string;
  accountId: string;
  messages: OutgoingMessage[];
}

/** Handled events per statement: the workers' concurrent steps finish together. */
const MAX_EVENTS_PER_WRITE = 200;

/**
 * The end of an inbound event's step: the event marked processed and its replies written to the outbox in one
 * statement (so atomically), or nothing when the event already was processed (a step run twice answers once).
 * Steps finishing while a write is in flight share the next one (core/group-commit.ts).
 */
export class InboundReplies {
  private readonly batch = groupCommit((steps: Handled[]) => this.writeAll(steps), { max: MAX_EVENTS_PER_WRITE });

  constructor(
    private readonly db: Db,
    private readonly outbox: Outbox,
  ) {}

  async commit(eventId: string, accountId: string, messages: OutgoingMessage[]): Promise<void> {
    const written = await this.batch({ eventId, accountId, messages });
    // Queued here, in the step's own context, so each job carries its webhook's request id; a crash before this
    // leaves pending rows that the outbox sweep queues.
    await Promise.all(written.map((id) => this.outbox.dispatch(id)));
  }

  /** The outbox ids written for each step (none for an event that was already processed). */
  private async writeAll(steps: Handled[]): Promise<string[][]> {
    // A millisecond apart: messages to a chat go out in createdAt order.
    const at = Date.now();
    const rows = steps.flatMap((step) =>
      step.messages.map((message, i) => ({
        id: randomUUID(),
        eventId: step.eventId,
        accountId: step.accountId,
        payload: JSON.stringify(outgoingMessageSchema.parse(message)),
        createdAt: new Date(at + i),
      })),
    );
    const finished = await this.db.$queryRaw<Array<{ id: string }>>`
      WITH done AS (
        UPDATE "InboundEvent" SET "status" = 'processed', "processedAt" = ${new Date(at)}::timestamp, "claimedUntil" = NULL, "lastError" = NULL
        WHERE "id" = ANY(${steps.map((step) => step.eventId)}::text[]) AND "status" = 'pending'
        RETURNING "id"
      ), written AS (
        INSERT INTO "OutboxMessage" ("id", "accountId", "payload", "createdAt")
        SELECT o.i, o.a, o.p::jsonb, o.c
        FROM unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.eventId)}::text[], ${rows.map((r) => r.accountId)}::uuid[],
                    ${rows.map((r) => r.payload)}::text[], ${rows.map((r) => r.createdAt)}::timestamp[]) AS o(i, e, a, p, c)
        JOIN done ON done."id" = o.e
        RETURNING "id"
      )
      SELECT "id" FROM done`;
    const processed = new Set(finished.map((row) => row.id));
    return steps.map((step) => (processed.has(step.eventId) ? rows.filter((r) => r.eventId === step.eventId).map((r) => r.id) : []));
  }
}
