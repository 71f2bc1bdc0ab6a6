/**
 * Telegram webhook throughput, next to a bare Fastify route on the same machine (the ceiling):
 * - the acknowledgement: updates posted as fast as the api takes them, then at 500 updates/s offered, workers off
 *   (the edge only stores the update);
 * - end to end: the same updates with the workers running in the process (as `npm start`), from the request
 *   to the reply rows in the outbox (the inbound row is marked processed in that same transaction), as fast as
 *   they come and then at 200 updates/s offered.
 * Usage: npm run bench:webhook -- [updates=5000] [connections=50]
 * Each run uses a scratch database and Redis prefix, removed afterwards.
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
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;

/** Posts `updates` updates; `rate` caps the offered updates/s. `sentAt` gets each update id's send time. */
async function blast(url: string, options: { rate?: number; firstId?: number; sentAt?: Map<number, number> } = {}) {
  let next = 0;
  const firstId = options.firstId ?? 0;
  const result = await autocannon({
    url,
    connections,
    amount: updates,
    ...(options.rate ? { overallRate: options.rate } : {}),
    requests: [
      {
        method: "POST",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
        setupRequest: (request) => {
          next += 1;
          const id = firstId + next;
          options.sentAt?.set(id, Date.now());
          // Every second update is a new patient's /start, the others a complaint before consent.
          const user = { id: 1_000_000 + Math.ceil(id / 2), languageCode: "ru" };
          const text = next % 2 ? "/start" : "Болит голова";
          return { ...request, body: JSON.stringify(telegramUpdates.text(id, user, text)) };
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

/** One api (and with `workers`, the workers) on a scratch database; `run` gets its url and services. */
async function withTelecons<T>(workers: boolean, run: (url: string, services: ReturnType<typeof compose>) => Promise<T>): Promise<T> {
  const database = await createScratchDatabase("bench");
  const prefix = `bench-${randomUUID().slice(0, 8)}`;
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
      // The stand-in has no flood control; the real per-chat pause would only idle the sender.
      OUTBOX_RATE_LIMITS: "telegram:1000:0",
    }),
  );
  try {
    if (workers) await services.startWorkers();
    const app = await services.startApi();
    await app.listen({ port: 0, host: "127.0.0.1" });
    const { port } = app.server.address() as AddressInfo;
    return await run(`http://127.0.0.1:${port}/webhooks/telegram`, services);
  } finally {
    await services.close();
    await telegram.stop();
    await database.drop();
    await deleteRedisKeys(REDIS_URL, prefix);
  }
}

/** Until every posted update is processed: updates/s from the first request to the last reply, and each one's latency. */
async function endToEnd(services: ReturnType<typeof compose>, sentAt: Map<number, number>, botId: number) {
  const ids = [...sentAt.keys()].map((id) => `telegram-${botId}-${id}`);
  for (;;) {
    const pending = await services.db.inboundEvent.count({ where: { id: { in: ids }, status: { not: "processed" } } });
    if (pending === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const rows = await services.db.inboundEvent.findMany({ where: { id: { in: ids } }, select: { id: true, processedAt: true } });
  const latencies = rows.map((row) => row.processedAt!.getTime() - sentAt.get(Number(row.id.split("-").at(-1)))!).sort((a, b) => a - b);
  const first = Math.min(...sentAt.values());
  const last = Math.max(...rows.map((row) => row.processedAt!.getTime()));
  return { "updates/s": Math.round((rows.length * 1000) / (last - first)), "p50 ms": percentile(latencies, 50), "p99 ms": percentile(latencies, 99) };
}

const botId = Number(new TelegramStandIn().token.split(":")[0]);
const e2e = (rate?: number) =>
  withTelecons(true, async (url, services) => {
    const sentAt = new Map<number, number>();
    const edge = await blast(url, { rate, sentAt });
    return { ...(await endToEnd(services, sentAt, botId)), non2xx: edge.non2xx, errors: edge.errors };
  });

console.log(`${updates} updates, ${connections} connections`);
console.table({
  "bare Fastify (ceiling)": await ceiling(),
  "Telecons /webhooks/telegram (acknowledgement)": await withTelecons(false, (url) => blast(url)),
  "Telecons /webhooks/telegram (acknowledgement, 500/s offered)": await withTelecons(false, (url) => blast(url, { rate: 500 })),
  "Telecons end to end (update → reply rows in the outbox)": await e2e(),
  "Telecons end to end (200/s offered)": await e2e(200),
});
