import type { Redis } from "ioredis";
import { groupCommit } from "../group-commit";
import { redisKeys } from "../redis-keys";

/**
 * Tells the inbound workers that events were stored (Redis pub/sub), so an idle worker looks at once instead of at
 * its next poll. Only a hint: the rows are in Postgres, and a ring lost while Redis is away costs one poll's wait.
 */
export class InboundBell {
  private readonly channel: string;
  /** The events stored while a ring is in flight share the next one: one PUBLISH per burst, not per event. */
  private readonly rings = groupCommit(
    async (rings: unknown[]) => {
      await this.redis.publish(this.channel, "");
      return rings.map(() => undefined);
    },
    { max: Number.MAX_SAFE_INTEGER },
  );

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.channel = redisKeys(prefix).inboundStored;
  }

  ring(): Promise<void> {
    return this.rings(undefined);
  }

  /** Calls `heard` on every ring, and on every reconnection (rings may have been lost meanwhile); returns the stop. */
  listen(heard: () => void, onError: (error: unknown) => void): () => void {
    const subscriber = this.redis.duplicate();
    subscriber.on("message", heard);
    subscriber.on("ready", heard);
    subscriber.on("error", onError);
    // Not awaited: a worker starts (and polls) while Redis is away; ioredis subscribes again on each reconnection.
    subscriber.subscribe(this.channel).catch(onError);
    return () => subscriber.disconnect();
  }
}
