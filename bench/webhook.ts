/**
 * Telegram webhook throughput: N updates from distinct patients posted to the api as fast as it takes them,
 * next to a bare Fastify route on the same machine (the ceiling).
 * Usage: npm run bench:webhook -- [updates=5000] [connections=50]
 * Uses a scratch database and Redis prefix, removed afterwards; the outbox worker is not running,
 * so only the api's own work (dedupe, dialogue, Postgres writes, enqueue) is measured.
 */
import autocannon from "autocannon";
import Fastify from "fastify";
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { compose } from "../bin/compose";
import { loadConfig } from "../core/config";
import { createScratchDatabase, deleteRedisKeys } from "../scripts/scratch";
import { TelegramStandIn, telegramUpdates } from "../test/helpers/telegram-stand-in";

const updates = Number(process.argv[2] ?? 5000);
const connections = Number(process.argv[3] ?? 50);
const SECRET = "bench-webhook-secret-0123456789";
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

async function blast(url: string) {
  let next = 0;
  const result = await autocannon({
    url,
    connections,
    amount: updates,
    requests: [
      {
        method: "POST",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
        setupRequest: (request) => {
          next += 1;
          // Every second update is a new patient's /start, the others a complaint before consent.
          const user = { id: 1_000_000 + Math.ceil(next / 2), languageCode: "ru" };
          const text = next % 2 ? "/start" : "Болит голова";
          return { ...request, body: JSON.stringify(telegramUpdates.text(next, user, text)) };
        },
      },
    ],
  });
  return {
    "updates/s": Math.round(result.requests.average),
    "p50 ms": result.latency.p50,
    "p99 ms": result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

async function ceiling() {
  const bare = Fastify();
  bare.post("/webhooks/telegram", async () => ({}));
  await bare.listen({ port: 0, host: "127.0.0.1" });
  const { port } = bare.server.address() as AddressInfo;
  const figures = await blast(`http://127.0.0.1:${port}/webhooks/telegram`);
  await bare.close();
  return figures;
}

async function telecons() {
  const database = await createScratchDatabase("bench");
  const prefix = `bench-${randomUUID().slice(0, 8)}`;
  // Answers the adapter's one getMe; nothing is sent since the outbox worker does not run here.
  const telegram = await new TelegramStandIn().start();
  const services = compose(
    loadConfig({
      DATABASE_URL: database.url,
      REDIS_URL,
      REDIS_PREFIX: prefix,
      LOG_LEVEL: process.env.LOG_LEVEL ?? "silent",
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
    }),
  );
  try {
    const app = await services.startApi();
    await app.listen({ port: 0, host: "127.0.0.1" });
    const { port } = app.server.address() as AddressInfo;
    return await blast(`http://127.0.0.1:${port}/webhooks/telegram`);
  } finally {
    await services.close();
    await telegram.stop();
    await database.drop();
    await deleteRedisKeys(REDIS_URL, prefix);
  }
}

console.log(`${updates} updates, ${connections} connections`);
console.table({ "bare Fastify (ceiling)": await ceiling(), "Telecons /webhooks/telegram": await telecons() });
