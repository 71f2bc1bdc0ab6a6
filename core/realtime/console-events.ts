import type { Redis } from "ioredis";
import { z } from "zod";
import { redisKeys } from "../redis-keys";
import type { AfterCommit } from "../db/unit-of-work";

/** A consultation changed: heard by the doctors it concerns and by operators. */
const consultationEventSchema = z.object({
  type: z.enum(["consultation.opened", "consultation.message", "consultation.taken", "consultation.closed", "consultation.escalated"]),
  consultationId: z.uuid(),
  specialty: z.string(),
  language: z.string(),
  /** Urgent: open to every doctor of the specialty, whatever the language (as the queue shows it). */
  urgent: z.boolean(),
  doctorId: z.uuid().nullable(),
  at: z.string(),
});

/** Something arrived about a patient between consultations: heard by the responsible doctor (any doctor while there is none). */
const patientEventSchema = z.object({
  type: z.enum(["alert.opened", "alert.escalated", "lab.results"]),
  patientId: z.uuid(),
  doctorId: z.uuid().nullable(),
  at: z.string(),
});

/**
 * A doctor asked a colleague (`doctorId` the colleague asked by name; null: the doctors of `specialty`, but not the
 * one who asked), or the colleague answered (`doctorId` the doctor who asked). Doctors-only, like the question.
 */
const colleagueEventSchema = z.object({
  type: z.enum(["colleague.invited", "colleague.answered"]),
  invitationId: z.uuid(),
  doctorId: z.uuid().nullable(),
  specialty: z.string().nullable(),
  askedById: z.uuid(),
  at: z.string(),
});

/** A lab delivery could not be matched to an order and waits in the review list. */
const reviewEventSchema = z.object({ type: z.literal("lab.review"), at: z.string() });

/** The hourly coverage check found uncovered hours within the next 48 h (`count` of them, summed over the rota's rows). */
const coverageEventSchema = z.object({ type: z.literal("coverage.gaps"), count: z.number().int().positive(), at: z.string() });

/**
 * What the console hears live. Ids and routing facts only, never clinical text: the browser
 * refetches what it may see, so access rules stay in one place (the api).
 */
export const consoleEventSchema = z.discriminatedUnion("type", [consultationEventSchema, patientEventSchema, colleagueEventSchema, reviewEventSchema, coverageEventSchema]);
export type ConsoleEvent = z.infer<typeof consoleEventSchema>;
export type ConsultationEvent = z.infer<typeof consultationEventSchema>;
type Unstamped<E> = E extends unknown ? Omit<E, "at"> : never;

export interface ConsoleEvents {
  publish(event: Unstamped<ConsoleEvent>): Promise<void>;
}

/** Redis pub/sub, so an event raised by any api or worker process reaches browsers connected to any api process. */
export class RedisConsoleEvents implements ConsoleEvents {
  private subscriber: Redis | undefined;
  private readonly listeners = new Set<(event: ConsoleEvent) => void>();

  /** `afterCommit`: an event raised inside a dialogue step goes out once its rows are committed (the console refetches them). */
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly afterCommit: AfterCommit = (work) => work().then(() => undefined),
  ) {}

  get channel(): string {
    return redisKeys(this.prefix).consoleEvents;
  }

  async publish(event: Unstamped<ConsoleEvent>): Promise<void> {
    const message = JSON.stringify({ ...event, at: new Date().toISOString() });
    await this.afterCommit(() => this.redis.publish(this.channel, message));
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
