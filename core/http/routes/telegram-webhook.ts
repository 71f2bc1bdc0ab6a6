import { timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Config } from "../../config";
import { errorBodySchema } from "../../errors";

/** Stores the raw update (core/inbound); throws only when it could not be stored. */
export type TelegramWebhookHandler = (update: unknown) => Promise<void>;

const sameSecret = (given: string, expected: string) => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * Telegram's webhook: verify, store, answer. The dialogue runs later in the inbound worker, so the answer
 * takes one insert; Telegram stops pushing to a webhook that answers slowly.
 */
export function registerTelegramWebhook(app: FastifyInstance, config: Config, accept?: TelegramWebhookHandler): void {
  const response = { 200: z.object({}).describe("Stored"), 401: errorBodySchema, 503: errorBodySchema };
  app.post("/webhooks/telegram", { schema: { body: z.unknown().describe("A Telegram Update, stored as it came (checked by the inbound worker)"), response } }, async (request, reply) => {
    const secret = request.headers["x-telegram-bot-api-secret-token"];
    // Checked before anything else: a request without our secret did not come from Telegram.
    if (!accept || !config.TELEGRAM_WEBHOOK_SECRET || typeof secret !== "string" || !sameSecret(secret, config.TELEGRAM_WEBHOOK_SECRET)) {
      return reply.status(401).send({ code: "unauthorized", message: "wrong or missing secret token" });
    }
    try {
      // A malformed update is stored as a dead letter and answered 200 too: redelivering it would not help.
      await accept(request.body);
    } catch (error) {
      // Not stored (Postgres away): 503 makes Telegram deliver it again later.
      request.log.error({ err: error }, "telegram update not stored");
      return reply.status(503).send({ code: "unavailable", message: "try again later" });
    }
    return reply.status(200).send({});
  });
}
