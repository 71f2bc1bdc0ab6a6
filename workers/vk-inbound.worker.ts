import { Queue, Worker, type ConnectionOptions, type Job } from "bullmq";
import { z } from "zod";
import { vkEnvelopeSchema, vkToIncomingEvent, type VkEnvelope } from "../bots/vk/vk-event";
import type { IncomingEvent } from "../core/channels/channel";
import type { InboundEvents } from "../core/channels/inbound-events";
import type { Logger } from "../core/logger";

export const VK_INBOUND_QUEUE = "vk-inbound";
const SWEEP_EVERY_MS = 60_000;

/** Ids only: the event itself (a patient's words) waits in Postgres, not in Redis. */
const jobSchema = z.object({ eventId: z.string().regex(/^vk-\d+-[\w-]+$/) });

export function createVkInboundQueue(connection: ConnectionOptions, prefix: string) {
  const queue = new Queue(VK_INBOUND_QUEUE, { connection, prefix });
  const enqueue = async (eventId: string) => {
    await queue.add("event", jobSchema.parse({ eventId }), {
      jobId: eventId,
      attempts: 10,
      backoff: { type: "exponential", delay: 1000 },
      removeOnComplete: true,
      removeOnFail: { age: 7 * 24 * 3600 },
    });
  };
  return { queue, enqueue };
}
export type VkInboundQueue = ReturnType<typeof createVkInboundQueue>;

/** The webhook's and the long poll's one step: keep the event, queue its id. Safe to repeat for a redelivery. */
export async function acceptVkEvent(envelope: VkEnvelope, deps: { inbound: InboundEvents; queue: VkInboundQueue }): Promise<void> {
  if (!envelope.event_id || !vkToIncomingEvent(envelope)) return;
  const { secret: _secret, ...kept } = envelope;
  const id = `vk-${envelope.group_id}-${envelope.event_id}`;
  await deps.inbound.accept("vk", id, kept);
  await deps.queue.enqueue(id);
}

export interface VkInboundDeps {
  inbound: InboundEvents;
  /** The dialogue: processes each event id once and throws when the event must be tried again. */
  handle: (event: IncomingEvent) => Promise<unknown>;
  logger: Logger;
}

export async function processVkInbound(job: Job, deps: VkInboundDeps): Promise<void> {
  const { eventId } = jobSchema.parse(job.data);
  const payload = await deps.inbound.payload(eventId);
  if (payload === undefined) return;
  const event = vkToIncomingEvent(vkEnvelopeSchema.parse(payload));
  if (event) await deps.handle(event);
  await deps.inbound.done(eventId);
}

export async function startVkInboundWorker(connection: ConnectionOptions, prefix: string, queue: VkInboundQueue, deps: VkInboundDeps) {
  await queue.queue.upsertJobScheduler("vk-inbound-sweep", { every: SWEEP_EVERY_MS }, { name: "sweep" });
  const worker = new Worker(
    VK_INBOUND_QUEUE,
    async (job) => {
      if (job.name !== "sweep") return processVkInbound(job, deps);
      for (const id of await deps.inbound.stale(SWEEP_EVERY_MS)) if (id.startsWith("vk-")) await queue.enqueue(id);
    },
    // One at a time: a patient's quick presses must reach the dialogue in the order VK sent them.
    { connection, prefix, concurrency: 1 },
  );
  worker.on("error", (error) => deps.logger.error({ err: error }, "vk inbound worker error"));
  worker.on("failed", (job, error) => deps.logger.warn({ jobId: job?.id, err: error }, "vk event failed"));
  return worker;
}
