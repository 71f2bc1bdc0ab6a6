import { timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";
import type { Config } from "../../config";

/** Implemented by bots/telegram: takes a raw Update, throws when it could not be processed. */
export type TelegramWebhookHandler = (update: unknown) => Promise<void>;

const sameSecret = (given: string, expected: string) => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

export function registerTelegramWebhook(app: FastifyInstance, config: Config, handle?: TelegramWebhookHandler): void {
  app.post("/webhooks/telegram", async (request, reply) => {
    const secret = request.headers["x-telegram-bot-api-secret-token"];
    // Checked before anything else: a request without our secret did not come from Telegram.
    if (!handle || !config.TELEGRAM_WEBHOOK_SECRET || typeof secret !== "string" || !sameSecret(secret, config.TELEGRAM_WEBHOOK_SECRET)) {
      return reply.status(401).send({ code: "unauthorized", message: "wrong or missing secret token" });
    }
    // A failure answers 500 so Telegram delivers the update again; the dedupe makes that safe.
    await handle(request.body);
    return reply.status(200).send({});
  });
}
