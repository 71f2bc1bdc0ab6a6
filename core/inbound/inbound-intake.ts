import type { ChannelName } from "../channels/channel";
import type { InboundStore } from "./inbound-repository";
import type { ParsedInbound } from "./parsed-inbound";

/**
 * The one step every edge takes after verifying the sender (Telegram and VK webhooks and long polls, the
 * widget): keep the raw event in Postgres, then wake the inbound workers. Throws only when Postgres could not
 * take it, so the edge answers 503 and the messenger delivers again.
 */
export class InboundIntake {
  constructor(
    private readonly store: InboundStore,
    /** Wakes the inbound workers without waiting on Redis (core/inbound/inbound-bell.ts). */
    private readonly wake: () => void,
  ) {}

  async accept(channel: ChannelName, parsed: ParsedInbound, payload: unknown): Promise<void> {
    if (parsed.kind === "ignored") return;
    if (parsed.kind === "malformed") return this.store.deadLetter(channel, parsed.reason, payload);
    // A redelivery (the row existed) wakes nobody: its row is already pending or done.
    if (!(await this.store.accept(channel, parsed, payload))) return;
    // The row is durable and the workers poll, so the messenger's answer does not wait on Redis (nor hangs while
    // Redis is away).
    this.wake();
  }
}
