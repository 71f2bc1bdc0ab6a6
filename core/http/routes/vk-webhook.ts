import { timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { vkEnvelopeSchema, type VkEnvelope } from "../../../bots/vk/vk-event";

export interface VkWebhookDeps {
  groupId: number;
  secret: string;
  confirmation: string;
  /** Stores and queues the event; throws when it could not (VK then delivers it again). */
  accept: (envelope: VkEnvelope) => Promise<void>;
}

const sameSecret = (given: string | undefined, expected: string) => {
  const a = Buffer.from(given ?? "");
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * VK's Callback API. VK wants the plain text `ok` with HTTP 200 quickly, or it stops sending for a while;
 * the event is stored and queued before that `ok`, so a crash loses nothing.
 */
export function registerVkWebhook(app: FastifyInstance, deps: VkWebhookDeps | undefined): void {
  app.post("/webhooks/vk", async (request, reply) => {
    const parsed = vkEnvelopeSchema.safeParse(request.body);
    if (!deps) return reply.status(404).send({ code: "not_found", message: "VK is not configured" });
    if (!parsed.success) return reply.status(400).send({ code: "validation", message: "not a VK Callback API event" });
    const envelope = parsed.data;
    // Checked before anything else: without our secret and group the request did not come from VK.
    if (envelope.group_id !== deps.groupId || !sameSecret(envelope.secret, deps.secret)) {
      return reply.status(403).send({ code: "forbidden", message: "wrong secret or group" });
    }
    reply.type("text/plain; charset=utf-8");
    if (envelope.type === "confirmation") return deps.confirmation;
    await deps.accept(envelope);
    return "ok";
  });
}
