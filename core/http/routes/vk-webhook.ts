import { timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { vkEnvelopeSchema, type VkEnvelope } from "../../channels/vk-envelope";
import { z } from "zod";
import { errorBodySchema } from "../../errors";
import { text } from "../responses";

export interface VkWebhookDeps {
  groupId: number;
  secret: string;
  confirmation: string;
  /** Stores the event (core/inbound); throws only when it could not be stored. */
  accept: (envelope: VkEnvelope) => Promise<void>;
}

const sameSecret = (given: string | undefined, expected: string) => {
  const a = Buffer.from(given ?? "");
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * VK's Callback API. VK wants the plain text `ok` with HTTP 200 quickly, or it stops sending for a while;
 * the event is stored before that `ok`, so a crash loses nothing, and handled later by the inbound worker.
 */
export function registerVkWebhook(app: FastifyInstance, deps: VkWebhookDeps | undefined): void {
  const refused = { 400: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 503: errorBodySchema };
  const response = { 200: text("text/plain", "`ok`, or the confirmation string VK asked for"), ...refused };
  app.post("/webhooks/vk", { schema: { body: z.unknown().describe("A VK Callback API event (checked against the envelope here)"), response } }, async (request, reply) => {
    const parsed = vkEnvelopeSchema.safeParse(request.body);
    if (!deps) return reply.status(404).send({ code: "not_found", message: "VK is not configured" });
    // Without an envelope there is no secret to check: whoever sent it, it was not VK.
    if (!parsed.success) return reply.status(400).send({ code: "validation", message: "not a VK Callback API event" });
    const envelope = parsed.data;
    // Checked before anything else: without our secret and group the request did not come from VK.
    if (envelope.group_id !== deps.groupId || !sameSecret(envelope.secret, deps.secret)) {
      return reply.status(403).send({ code: "forbidden", message: "wrong secret or group" });
    }
    if (envelope.type === "confirmation") return reply.type("text/plain; charset=utf-8").send(deps.confirmation);
    try {
      // A malformed event is stored as a dead letter and answered `ok` too: redelivering it would not help.
      await deps.accept(envelope);
    } catch (error) {
      // Not stored (Postgres away): anything but `ok` makes VK deliver it again.
      request.log.error({ err: error }, "vk event not stored");
      return reply.status(503).send({ code: "unavailable", message: "try again later" });
    }
    return reply.type("text/plain; charset=utf-8").send("ok");
  });
}
