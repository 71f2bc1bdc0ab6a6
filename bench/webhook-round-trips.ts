/**
 * Round trips per Telegram update on the inbound path, counted rather than timed (so a busy machine does not blur
 * them): SQL statements sent by the pg driver (Prisma's adapter uses it) and Redis commands sent by ioredis (BullMQ
 * uses it), for the edge with the workers off, then the inbound worker with the outbox queue paused, then the
 * outbox delivery. Updates as in bench/webhook.ts: half `/start`, half a complaint before consent.
 * Usage: npm run bench:webhook-round-trips -- [updates=200]
 * A scratch database and Redis prefix, removed afterwards.
 */
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { compose } from "../bin/compose";
import { loadConfig } from "../core/config";
import { createScratchDatabase, deleteRedisKeys } from "../scripts/scratch";
import { TelegramStandIn, telegramUpdates } from "../test/helpers/telegram-stand-in";

const updates = Number(process.argv[2] ?? 200);
const SECRET = "bench-webhook-secret-0123456789";
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
/** This script's own polling, left out of the counts. */
const OWN = "/* bench */";

let counting = false;
const statements = new Map<string, number>();
const commands = new Map<string, number>();
const count = (map: Map<string, number>, key: string) => counting && map.set(key, (map.get(key) ?? 0) + 1);

type Query = (this: pg.Client, ...args: unknown[]) => unknown;
const query: Query = pg.Client.prototype.query as Query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  const text = typeof args[0] === "string" ? args[0] : ((args[0] as { text?: string })?.text ?? "");
  if (!text.startsWith(OWN)) count(statements, text.replace(/\s+/g, " ").trim().slice(0, 90));
  return query.apply(this, args);
} as typeof pg.Client.prototype.query;
type Send = (this: Redis, command: { name: string; args: unknown[] }, ...rest: unknown[]) => unknown;
const send = Redis.prototype.sendCommand as unknown as Send;
(Redis.prototype as unknown as { sendCommand: Send }).sendCommand = function (command, ...rest) {
  // BullMQ's Lua scripts run as EVALSHA: named by the script's hash.
  count(commands, command.name === "evalsha" ? `evalsha ${String(command.args[0]).slice(0, 8)}` : command.name);
  return send.call(this, command, ...rest);
};

function report(label: string) {
  const total = (map: Map<string, number>) => [...map.values()].reduce((a, b) => a + b, 0) / updates;
  console.log(`\n${label}: ${total(statements).toFixed(2)} SQL statements and ${total(commands).toFixed(2)} Redis commands per update`);
  for (const [map, kind] of [[statements, "sql"], [commands, "redis"]] as const) {
    for (const [what, n] of [...map].sort((a, b) => b[1] - a[1])) if (n / updates >= 0.05) console.log(`  ${kind} ${(n / updates).toFixed(2)}  ${what}`);
  }
  statements.clear();
  commands.clear();
}

const database = await createScratchDatabase("bench");
const prefix = `bench-${randomUUID().slice(0, 8)}`;
const telegram = await new TelegramStandIn().start();
const services = compose(
  loadConfig({
    DATABASE_URL: database.url,
    REDIS_URL,
    REDIS_PREFIX: prefix,
    LOG_LEVEL: "silent",
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    OUTBOX_RATE_LIMITS: "telegram:1000:0",
  }),
);
const poll = new pg.Client({ connectionString: database.url });
const outbox = new Queue("outbox", { connection: services.redis, prefix });
const until = async (sql: string) => {
  while ((await poll.query<{ n: number }>(`${OWN} ${sql}`)).rows[0]!.n > 0) await new Promise((resolve) => setTimeout(resolve, 100));
};
try {
  await poll.connect();
  const app = await services.startApi();
  await app.listen({ port: 0, host: "127.0.0.1" });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/webhooks/telegram`;
  await services.db.inboundEvent.count();
  const post = (id: number) =>
    fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
      body: JSON.stringify(telegramUpdates.text(id, { id: 1_000_000 + Math.ceil(id / 2), languageCode: "ru" }, id % 2 ? "/start" : "Болит голова")),
    });

  counting = true;
  // Ten at a time, as ten connections would.
  for (let id = 1; id <= updates; id += 10) await Promise.all(Array.from({ length: Math.min(10, updates - id + 1) }, (_, i) => post(id + i)));
  counting = false;
  report(`edge (${updates} updates, 10 at a time, workers off)`);

  await outbox.pause();
  counting = true;
  await services.startWorkers();
  await until(`SELECT count(*)::int AS n FROM "InboundEvent" WHERE "status" <> 'processed'`);
  counting = false;
  report("inbound worker (with the workers' start; outbox queue paused)");

  counting = true;
  await outbox.resume();
  await until(`SELECT count(*)::int AS n FROM "OutboxMessage" WHERE "status" = 'pending'`);
  counting = false;
  report("outbox delivery to the Telegram stand-in");
} finally {
  await outbox.close();
  await poll.end();
  await services.close();
  await telegram.stop();
  await database.drop();
  await deleteRedisKeys(REDIS_URL, prefix);
}
