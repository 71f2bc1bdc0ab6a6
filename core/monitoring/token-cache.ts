import type { Redis } from "ioredis";
import { redisKeys } from "../redis-keys";

/**
 * How long a token lookup is kept. A device sends about once a minute, so a shorter life would miss on nearly every
 * request of 200 000 devices. It is also the bound on a revocation: one is normally heard by every api process at
 * once (Redis pub/sub), and a process whose subscription is down does not use the cache at all; only a message lost
 * on a connection that still looks alive could leave a revoked token in a cache, and then for at most this long.
 */
export const TOKEN_CACHE_MS = 120_000;
/** Entries kept per process (about 150 bytes each); the oldest go first. */
const MAX_ENTRIES = 300_000;

/**
 * Which patient an ingestion token's hash belongs to (undefined: none), kept in each api process. A revocation in
 * any process deletes the token's entries in all of them through a Redis channel.
 */
export class TokenCache {
  private readonly entries = new Map<string, { patientId: string | undefined; until: number }>();
  private subscriber?: Redis;
  private live = false;
  private subscribed = false;
  /** Bumped by every invalidation: a lookup that began before one must not store what it read. */
  private epoch = 0;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly now: () => number = Date.now,
  ) {}

  private get channel() {
    return redisKeys(this.prefix).ingestionTokenRevoked;
  }

  /**
   * Listens for revocations without waiting for Redis. The cache is used only while subscribed, and starts empty on
   * every (re)subscription: revocations published while the connection was down were not heard.
   */
  start(onError: (error: unknown) => void = () => undefined): void {
    if (this.subscriber) return;
    // Named, so an operator (and a test) can tell it apart in CLIENT LIST.
    this.subscriber = this.redis.duplicate({ connectionName: `${this.prefix}:token-cache` });
    this.subscriber.on("error", onError);
    this.subscriber.on("close", () => this.forget(false));
    // ioredis subscribes again by itself after a reconnect, before it reports "ready".
    this.subscriber.on("ready", () => this.subscribed && this.forget(true));
    this.subscriber.on("message", (_channel: string, keys: string) => this.drop(JSON.parse(keys) as string[]));
    this.subscriber.subscribe(this.channel).then(() => {
      this.subscribed = true;
      this.forget(true);
    }, onError);
  }

  async stop(): Promise<void> {
    this.subscribed = false;
    this.forget(false);
    this.subscriber?.disconnect();
    this.subscriber = undefined;
  }

  /** The cached answer, or `miss`; `epoch` goes back to `set` with what the database said. */
  get(key: string): { hit: true; patientId: string | undefined } | { hit: false; epoch: number } {
    const entry = this.live ? this.entries.get(key) : undefined;
    if (entry && entry.until > this.now()) return { hit: true, patientId: entry.patientId };
    return { hit: false, epoch: this.epoch };
  }

  set(key: string, patientId: string | undefined, epoch: number): void {
    if (!this.live || epoch !== this.epoch) return;
    this.entries.delete(key);
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { patientId, until: this.now() + TOKEN_CACHE_MS });
  }

  /** After the revocation is committed: this process forgets the keys at once, the others when they hear it. */
  async revoked(keys: string[]): Promise<void> {
    this.drop(keys);
    await this.redis.publish(this.channel, JSON.stringify(keys));
  }

  private drop(keys: string[]) {
    this.epoch++;
    for (const key of keys) this.entries.delete(key);
  }

  private forget(live: boolean) {
    this.epoch++;
    this.entries.clear();
    this.live = live;
  }
}
