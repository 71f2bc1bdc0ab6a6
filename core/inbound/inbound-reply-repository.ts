import { randomUUID } from "node:crypto";
import { outgoingMessageSchema, type OutgoingMessage } from "../channels/channel";
import type { Db } from "../db/prisma";
import type { Outbox } from "../outbox/outbox";
import { runWithRequestId } from "../request-context";

/** The event was processed meanwhile (a second delivery of it ran alongside after its claim ran out). */
export class AlreadyProcessed extends Error {
  constructor(eventId: string) {
    super(`inbound event ${eventId} was processed meanwhile`);
  }
}

/** An inbound event's step as it ends: the account answered and the replies. */
export interface StepReplies {
  eventId: string;
  accountId: string;
  messages: OutgoingMessage[];
  /** The webhook request that stored the event: its replies' jobs carry it on (issue 19). */
  requestId?: string;
}

/**
 * The end of inbound events' steps, inside the steps' transaction (core/db/unit-of-work.ts): the events marked
 * processed and their replies written to the outbox in one statement, however many steps a batch ran. When an event is
 * no longer pending this throws `AlreadyProcessed`, so the transaction, and every write the dialogue made in it, rolls
 * back: a step run twice changes the patient's state once and answers once.
 */
export class InboundReplies {
  constructor(
    private readonly db: Db,
    private readonly outbox: Outbox,
  ) {}

  /** Writes the replies and queues them for sending once the transaction committed (the outbox waits for it). */
  async write(steps: StepReplies[]): Promise<void> {
    if (steps.length === 0) return;
    // A millisecond apart: messages to a chat go out in createdAt order.
    const at = Date.now();
    const rowsOf = steps.map((step) =>
      step.messages.map((message, i) => ({
        id: randomUUID(),
        eventId: step.eventId,
        accountId: step.accountId,
        payload: JSON.stringify(outgoingMessageSchema.parse(message)),
        createdAt: new Date(at + i),
      })),
    );
    const rows = rowsOf.flat();
    const done = await this.db.$queryRaw<Array<{ id: string }>>`
      WITH done AS (
        UPDATE "InboundEvent" SET "status" = 'processed', "processedAt" = ${new Date(at)}::timestamp, "claimedUntil" = NULL, "lastError" = NULL
        WHERE "id" = ANY(${steps.map((step) => step.eventId)}::text[]) AND "status" = 'pending'
        RETURNING "id"
      ), written AS (
        INSERT INTO "OutboxMessage" ("id", "accountId", "payload", "createdAt")
        SELECT o.i, o.a, o.p::jsonb, o.c
        FROM unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.eventId)}::text[], ${rows.map((r) => r.accountId)}::uuid[],
                    ${rows.map((r) => r.payload)}::text[], ${rows.map((r) => r.createdAt)}::timestamp[]) AS o(i, e, a, p, c)
        WHERE o.e IN (SELECT "id" FROM done)
        RETURNING "id"
      )
      SELECT "id" FROM done`;
    const processed = new Set(done.map((row) => row.id));
    const meanwhile = steps.find((step) => !processed.has(step.eventId));
    if (meanwhile) throw new AlreadyProcessed(meanwhile.eventId);
    // Each step's first only: its job sends the others after it (workers/outbox.worker.ts). A crash before it is
    // queued leaves pending rows that the outbox sweep queues.
    await Promise.all(
      steps.map((step, i) => {
        const first = rowsOf[i]![0];
        const dispatch = () => (first ? this.outbox.dispatch(first.id) : Promise.resolve());
        return step.requestId ? runWithRequestId(step.requestId, dispatch) : dispatch();
      }),
    );
  }
}
