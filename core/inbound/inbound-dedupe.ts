import type { Redis } from "ioredis";

/**
 * Messengers redeliver an update they think failed, so each delivery is processed once.
 * A claim is short-lived while processing (a crash frees it for the redelivery) and becomes a
 * day-long marker when done (Telegram keeps undelivered updates for 24 h).
 */
export class InboundDedupe {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly processingTtlMs = 60_000,
    private readonly doneTtlMs = 24 * 3600_000,
  ) {}

  private key(eventId: string) {
    return `${this.prefix}:inbound:${eventId}`;
  }

  /** True when this caller should process the event; false when it is done or being processed elsewhere. */
  async claim(eventId: string): Promise<boolean> {
    return (await this.redis.set(this.key(eventId), "processing", "PX", this.processingTtlMs, "NX")) === "OK";
  }

  async complete(eventId: string): Promise<void> {
    await this.redis.set(this.key(eventId), "done", "PX", this.doneTtlMs);
  }

  async release(eventId: string): Promise<void> {
    await this.redis.del(this.key(eventId));
  }
}
