import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { AppError } from "../../errors";
import type { LiveKitPort } from "../../video/livekit";
import type { LiveKitWebhooks } from "../../video/livekit-webhooks";

/**
 * `POST /webhooks/livekit`: the signature (a JWT in Authorization whose sha256 claim covers the body) is
 * checked over the raw body exactly as sent, so the body is kept as a string, never re-serialised.
 */
export function registerLiveKitWebhook(app: FastifyInstance, deps: { livekit: LiveKitPort; webhooks: LiveKitWebhooks }): void {
  app.register(async (scope) => {
    scope.addContentTypeParser(["application/webhook+json", "application/json"], { parseAs: "string" }, (_request, body, done) =>
      done(null, body),
    );
    const handled = z.object({ ok: z.literal(true), outcome: z.enum(["duplicate", "processed", "ignored"]) });
    scope.post("/webhooks/livekit", { schema: { body: z.unknown().describe("LiveKit's webhook event, kept as the signed raw text"), response: { 200: handled } } }, async (request, reply) => {
      const body = typeof request.body === "string" ? request.body : "";
      let event;
      try {
        event = await deps.livekit.verifyWebhook(body, request.headers.authorization);
      } catch {
        throw new AppError("unauthorized", "webhook signature is not valid");
      }
      const outcome = await deps.webhooks.handle(event);
      return reply.status(200).send({ ok: true, outcome });
    });
  });
}
