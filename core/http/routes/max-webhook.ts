import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { errorBodySchema } from "../../errors";

export interface MaxWebhookDeps {
  /** MAX_WEBHOOK_SECRET, given to MAX with POST /subscriptions. */
  secret: string;
  /** Validates and stores the raw update (core/inbound); throws only when it could not be stored. */
  accept: (update: unknown) => Promise<void>;
}

/** Hashes of equal length, so the comparison time does not tell the secret's length either. */
const sameSecret = (given: string, expected: string) => {
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
};

/**
 * MAX's webhook: verify, store, answer 200. MAX drops a subscription whose endpoint has not answered 200 for
 * hours, so the answer waits only for one insert; the dialogue runs later in the inbound worker.
 */
export function registerMaxWebhook(app: FastifyInstance, deps: MaxWebhookDeps | undefined): void {
  // Checked before anything else, the body not even parsed: a request without our secret did not come from MAX.
  const onRequest = async (request: FastifyRequest, reply: FastifyReply) => {
    const secret = request.headers["x-max-bot-api-secret"];
    if (!deps || typeof secret !== "string" || !sameSecret(secret, deps.secret)) {
      return reply.status(401).send({ code: "unauthorized", message: "wrong or missing secret" });
    }
  };
  const response = { 200: z.object({}).describe("Stored"), 401: errorBodySchema, 503: errorBodySchema };
  app.post("/webhooks/max", { onRequest, schema: { body: z.unknown().describe("A MAX update, stored as it came (checked by the inbound worker)"), response } }, async (request, reply) => {
    try {
      // A malformed update is stored as a dead letter and answered 200 too: redelivering it would not help.
      // `deps!`: without deps, onRequest has refused the request already.
      await deps!.accept(request.body);
    } catch (error) {
      // Not stored (Postgres away): not answered 200, so MAX counts the delivery as failed and may send it again.
      request.log.error({ err: error }, "max update not stored");
      return reply.status(503).send({ code: "unavailable", message: "try again later" });
    }
    return reply.status(200).send({});
  });
}
