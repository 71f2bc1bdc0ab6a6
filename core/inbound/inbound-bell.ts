import type { Redis } from "ioredis";
import { redisKeys } from "../redis-keys";

/**
 * Tells the inbound workers that events were stored (Redis pub/sub), so an idle worker looks at once instead of at
 * its next poll. Only a hint: the rows are in Postgres, and a ring lost while Redis is away costs one poll's wait.
 */
export class InboundBell {
  private readonly channel: string;
  private ringing = false;
  private ringAgain = false;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly onError: (error: unknown) => void,
  ) {
    this.channel = redisKeys(prefix).inboundStored;
  }

  /**
   * One PUBLISH at a time: the events stored while one is in flight share the next (a worker may have looked before
   * they were committed). So a Redis that is away holds one waiting ring, however many events come meanwhile.
   */
  ring(): void {
    if (this.ringing) {
      this.ringAgain = true;
      return;
    }
    this.ringing = true;
    this.redis
      .publish(this.channel, "")
      .catch(this.onError)
      .finally(() => {
        this.ringing = false;
        if (this.ringAgain) {
          this.ringAgain = false;
          this.ring();
        }
      });
  }

  /** Calls `heard` on every ring, and on every reconnection (rings may have been lost meanwhile); returns the stop. */
  listen(heard: () => void): () => void {
    const subscriber = this.redis.duplicate();
    subscriber.on("message", heard);
    subscriber.on("ready", heard);
    subscriber.on("error", this.onError);
    // Not awaited: a worker starts (and polls) while Redis is away; ioredis subscribes again on each reconnection.
    subscriber.subscribe(this.channel).catch(this.onError);
    return () => subscriber.disconnect();
  }
}
