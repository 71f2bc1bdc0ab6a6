import type { Redis } from "ioredis";
import { z } from "zod";

/**
 * What the console hears live. Ids and routing facts only, never clinical text: the browser
 * refetches what it may see, so access rules stay in one place (the api).
 */
export const consoleEventSchema = z.object({
  type: z.enum(["consultation.opened", "consultation.message", "consultation.taken", "consultation.closed", "consultation.escalated"]),
  consultationId: z.uuid(),
  specialty: z.string(),
  language: z.string(),
  doctorId: z.uuid().nullable(),
  at: z.string(),
});
export type ConsoleEvent = z.infer<typeof consoleEventSchema>;

export interface ConsoleEvents {
  publish(event: Omit<ConsoleEvent, "at">): Promise<void>;
}

/** Redis pub/sub, so an event raised by any api or worker process reaches browsers connected to any api process. */
export class RedisConsoleEvents implements ConsoleEvents {
  private subscriber: Redis | undefined;
  private readonly listeners = new Set<(event: ConsoleEvent) => void>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private get channel() {
    return `${this.prefix}:console-events`;
  }

  async publish(event: Omit<ConsoleEvent, "at">): Promise<void> {
    await this.redis.publish(this.channel, JSON.stringify({ ...event, at: new Date().toISOString() }));
  }

  /** One Redis subscription per process, shared by every open browser connection. */
  async subscribe(listener: (event: ConsoleEvent) => void): Promise<() => void> {
    if (!this.subscriber) {
      this.subscriber = this.redis.duplicate();
      this.subscriber.on("message", (_channel: string, raw: string) => {
        const parsed = consoleEventSchema.safeParse(JSON.parse(raw));
        if (parsed.success) for (const l of this.listeners) l(parsed.data);
      });
      await this.subscriber.subscribe(this.channel);
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.subscriber?.disconnect();
    this.subscriber = undefined;
  }
}
