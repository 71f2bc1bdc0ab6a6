import { EventEmitter } from "node:events";
import type { Redis } from "ioredis";
import { z } from "zod";
import { redisKeys } from "../redis-keys";
import type { AfterCommit } from "../db/unit-of-work";

/** What every api instance tells its doctors' streams. Ids and routing facts only, never patient data. */
export const videoEventSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("request"),
    visitId: z.uuid(),
    specialty: z.string(),
    language: z.string(),
    needsInterpreter: z.boolean(),
    requestedAt: z.string(),
    /** The consultation behind it raised a red flag: the doctor takes it first. */
    urgent: z.boolean().default(false),
  }),
  z.object({ type: z.literal("taken"), visitId: z.uuid(), doctorId: z.uuid() }),
  z.object({ type: z.literal("withdrawn"), visitId: z.uuid() }),
]);
export type VideoEvent = z.infer<typeof videoEventSchema>;

/**
 * Redis pub/sub fan-out: a request created or taken on one api instance reaches the console streams
 * open on every instance. Subscribing needs a connection of its own (Redis puts it in subscriber mode).
 */
export class VideoEvents {
  private readonly local = new EventEmitter();
  private subscriber?: Redis;
  private subscribed?: Promise<unknown>;

  /** `afterCommit`: an event raised inside a dialogue step goes out once its rows are committed. */
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly afterCommit: AfterCommit = (work) => work().then(() => undefined),
  ) {
    this.local.setMaxListeners(0);
  }

  private get channel() {
    return redisKeys(this.prefix).videoEvents;
  }

  async publish(event: VideoEvent): Promise<void> {
    const message = JSON.stringify(videoEventSchema.parse(event));
    await this.afterCommit(() => this.redis.publish(this.channel, message));
  }

  /**
   * Starts listening to Redis without waiting for it (the api must come up, and say it is not ready, while
   * Redis is down); `ready()` resolves once subscribed, so a stream opened after it misses nothing.
   */
  start(onError: (error: unknown) => void = () => undefined): void {
    if (this.subscriber) return;
    this.subscriber = this.redis.duplicate();
    this.subscriber.on("error", onError);
    this.subscriber.on("message", (_channel, message) => {
      const parsed = videoEventSchema.safeParse(JSON.parse(message));
      if (parsed.success) this.local.emit("event", parsed.data);
    });
    this.subscribed = this.subscriber.subscribe(this.channel);
    this.subscribed.catch(onError);
  }

  async ready(): Promise<void> {
    await this.subscribed;
  }

  on(listener: (event: VideoEvent) => void): () => void {
    this.local.on("event", listener);
    return () => this.local.off("event", listener);
  }

  async stop(): Promise<void> {
    this.subscriber?.disconnect();
    this.subscriber = undefined;
  }
}
