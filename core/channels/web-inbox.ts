import type { Redis } from "ioredis";
import { outgoingMessageSchema, type OutgoingMessage } from "./channel";
import { redisKeys } from "../redis-keys";

/** How many messages a visitor's page can catch up on, and for how long after the last one. */
const KEEP_MESSAGES = 200;
const KEEP_SECONDS = 30 * 24 * 3600;

export interface InboxEntry {
  /** The Redis stream id: the SSE event id, so a reconnecting page asks for what came after it. */
  id: string;
  message: OutgoingMessage;
}

/**
 * What the web chat sends to a visitor: a Redis stream per visitor keeps the messages (a page that was
 * closed or offline catches up from its last id), and pub/sub tells whichever api instance holds the
 * visitor's live connection that there is something new.
 */
export class WebInbox {
  private subscriber: Redis | undefined;
  private readonly listeners = new Map<string, Set<() => void>>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private streamKey(visitorId: string) {
    return redisKeys(this.prefix).webInbox(visitorId);
  }
  private channel(visitorId: string) {
    return redisKeys(this.prefix).webInboxChannel(visitorId);
  }

  async push(visitorId: string, message: OutgoingMessage): Promise<string> {
    const key = this.streamKey(visitorId);
    const id = await this.redis.xadd(key, "MAXLEN", "~", String(KEEP_MESSAGES), "*", "m", JSON.stringify(message));
    await this.redis.expire(key, KEEP_SECONDS);
    await this.redis.publish(this.channel(visitorId), id ?? "");
    return id!;
  }

  /** Forgets a visitor's conversation (the patient's erasure). */
  async clear(visitorId: string): Promise<void> {
    await this.redis.del(this.streamKey(visitorId));
  }

  /** Messages after `afterId` (all kept ones for "0"), oldest first. */
  async since(visitorId: string, afterId: string): Promise<InboxEntry[]> {
    const start = afterId === "0" ? "-" : `(${afterId}`;
    const rows = await this.redis.xrange(this.streamKey(visitorId), start, "+");
    return rows.flatMap(([id, fields]) => {
      const parsed = outgoingMessageSchema.safeParse(JSON.parse(fields[1] ?? "null"));
      return parsed.success ? [{ id, message: parsed.data }] : [];
    });
  }

  /** Calls `onNew` whenever a message for this visitor is pushed by any process. */
  async listen(visitorId: string, onNew: () => void): Promise<() => Promise<void>> {
    if (!this.subscriber) {
      this.subscriber = this.redis.duplicate();
      this.subscriber.on("message", (channel: string) => {
        const visitor = redisKeys(this.prefix).webVisitorOf(channel);
        for (const listener of this.listeners.get(visitor) ?? []) listener();
      });
    }
    let set = this.listeners.get(visitorId);
    if (!set) {
      set = new Set();
      this.listeners.set(visitorId, set);
      await this.subscriber.subscribe(this.channel(visitorId));
    }
    set.add(onNew);
    return async () => {
      set.delete(onNew);
      if (set.size === 0 && this.listeners.get(visitorId) === set) {
        this.listeners.delete(visitorId);
        await this.subscriber?.unsubscribe(this.channel(visitorId));
      }
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.subscriber?.disconnect();
    this.subscriber = undefined;
  }
}
