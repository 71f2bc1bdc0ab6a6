import type { ChannelName } from "../channels/channel";
import type { InboundStore } from "./inbound-repository";
import type { ParsedInbound } from "./parsed-inbound";

/** Hands a stored event's chat to the inbound worker; implemented in workers/inbound.worker.ts with BullMQ. */
export type InboundEnqueue = (job: { eventId: string; chatKey: string }) => Promise<void>;

/**
 * The one step every edge takes after verifying the sender (Telegram and VK webhooks and long polls, the
 * widget): keep the raw event in Postgres, then queue it. Throws only when Postgres could not take it, so
 * the edge answers 503 and the messenger delivers again.
 */
export class InboundIntake {
  constructor(
    private readonly store: InboundStore,
    private readonly enqueue: InboundEnqueue,
    private readonly onQueueError: (error: unknown) => void,
  ) {}

  async accept(channel: ChannelName, parsed: ParsedInbound, payload: unknown): Promise<void> {
    if (parsed.kind === "ignored") return;
    if (parsed.kind === "malformed") return this.store.deadLetter(channel, parsed.reason, payload);
    await this.store.accept(channel, parsed, payload);
    // Not awaited: the row is durable and the worker's sweep queues it if this is lost, so the messenger's
    // answer does not wait on Redis (nor hang while Redis is away). A redelivery queues again: the job id dedupes.
    this.enqueue({ eventId: parsed.id, chatKey: parsed.chatKey }).catch(this.onQueueError);
  }
}
