/**
 * Telegram webhook throughput, next to a bare Fastify route on the same machine (the ceiling, and its latency at
 * 500 updates/s offered: what the load generator itself adds):
 * - the acknowledgement: updates posted as fast as the api takes them, then at 500 updates/s offered (`paced`),
 *   workers off (the edge only stores the update);
 * - end to end: the same updates with the workers running in the process (as `npm start`), from the request
 *   to the reply rows in the outbox (the inbound row is marked processed in that same transaction), as fast as
 *   they come and then at 200 updates/s offered.
 * Each row also gives the CPU time an update took in this process (api, workers, the Telegram stand-in, and autocannon
 * where it runs here: the paced client runs in a process of its own) and in Postgres and Redis.
 * Usage: npm run bench:webhook -- [updates=5000] [connections=50]
 * Each run uses a scratch database and Redis prefix, removed afterwards.
 */
import autocannon from "autocannon";
import Fastify from "fastify";
import { randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fork } from "node:child_process";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { compose } from "../bin/compose";
import { loadConfig } from "../core/config";
import { createScratchDatabase, deleteRedisKeys } from "../scripts/scratch";
import { TelegramStandIn } from "../test/helpers/telegram-stand-in";
import { percentile, updateBody, webhookHeaders, type PacedResult } from "./paced-client";

const updates = Number(process.argv[2] ?? 5000);
const connections = Number(process.argv[3] ?? 50);
const SECRET = "bench-webhook-secret-0123456789";
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const headers = webhookHeaders(SECRET);
/**
 * CPU time (ms) used so far by this process, and by the machine's postgres and redis-server processes (Linux /proc;
 * 0 where it cannot be read): per update, a figure that swings less with the machine's load than updates/s.
 */
function cpuMs() {
  const own = process.cpuUsage();
  const services = { postgres: 0, "redis-server": 0 };
  const pids = existsSync("/proc/self/stat") ? readdirSync("/proc").filter((name) => /^\d+$/.test(name)) : [];
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const name = /\((postgres|redis-server)\)/.exec(stat)?.[1] as keyof typeof services | undefined;
      if (!name) continue;
      const [utime, stime] = stat.slice(stat.lastIndexOf(")") + 2).split(" ").slice(11, 13).map(Number);
      services[name] += ((utime! + stime!) * 1000) / 100; // clock ticks of 10 ms (USER_HZ)
    } catch {
      // a process that ended meanwhile
    }
  }
  return { node: (own.user + own.system) / 1000, postgres: services.postgres, redis: services["redis-server"] };
}

/** `run`'s figures, and the CPU time it took per update. */
async function withCpu<T extends object>(run: () => Promise<T>) {
  const before = cpuMs();
  const figures = await run();
  const after = cpuMs();
  const perUpdate = (key: keyof typeof before) => Number(((after[key] - before[key]) / updates).toFixed(2));
  return { ...figures, "CPU ms/update: node": perUpdate("node"), postgres: perUpdate("postgres"), redis: perUpdate("redis") };
}

/** Posts `updates` updates as fast as they are answered, over `connections` connections. */
async function blast(url: string, sentAt?: Map<number, number>) {
  let id = 0;
  const result = await autocannon({
    url,
    connections,
    amount: updates,
    requests: [
      {
        method: "POST",
        headers,
        setupRequest: (request) => {
          id += 1;
          sentAt?.set(id, Date.now());
          return { ...request, body: updateBody(id) };
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

/**
 * Posts `updates` updates at `rate` a second from a process of its own (bench/paced-client.ts), as a messenger's
 * servers would: the load generator then takes none of the api's CPU. `sentAt` gets each update id's due time.
 */
async function paced(url: string, rate: number, sentAt?: Map<number, number>) {
  const client = fork(join(import.meta.dirname, "paced-client.ts"), [url, String(rate), String(updates), String(connections), SECRET], {
    execArgv: ["--import", "tsx"],
  });
  const [result] = (await once(client, "message")) as [PacedResult];
  for (let id = 1; id <= updates; id++) sentAt?.set(id, Math.round(result.start + ((id - 1) * 1000) / rate));
  return result.figures;
}

/** A bare Fastify route on the same machine, posted to as fast as it answers, or at `rate`. */
async function ceiling(rate?: number) {
  const bare = Fastify();
  bare.post("/webhooks/telegram", async () => ({}));
  await bare.listen({ port: 0, host: "127.0.0.1" });
  const { port } = bare.server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/webhooks/telegram`;
  const figures = await withCpu(() => (rate ? paced(url, rate) : blast(url)));
  await bare.close();
  return figures;
}

/** One api (and with `workers`, the workers) on a scratch database; `run` gets its url and services, and is timed (`withCpu`). */
async function withTelecons<T extends object>(workers: boolean, run: (url: string, services: ReturnType<typeof compose>) => Promise<T>) {
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
    const url = `http://127.0.0.1:${port}/webhooks/telegram`;
    await warmUp(url, workers ? services : undefined);
    return await withCpu(() => run(url, services));
  } finally {
    await services.close();
    await telegram.stop();
    await database.drop();
    await deleteRedisKeys(REDIS_URL, prefix);
  }
}

const botId = Number(new TelegramStandIn().token.split(":")[0]);
const eventId = (updateId: number) => `telegram-${botId}-${updateId}`;

async function processed(services: ReturnType<typeof compose>, ids: string[]) {
  for (;;) {
    const pending = await services.db.inboundEvent.count({ where: { id: { in: ids }, status: { not: "processed" } } });
    if (pending === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * A running service has answered updates before: the first ones load code (Prisma's query compiler, modules imported
 * on first use) and open pooled connections, so `WARM_UP` updates (ids after the measured ones) go first, unmeasured,
 * ten at a time, and with `workers` are processed before the measured run starts.
 */
const WARM_UP = 100;
async function warmUp(url: string, workers: ReturnType<typeof compose> | undefined) {
  const ids = Array.from({ length: WARM_UP }, (_, i) => updates + 1 + i);
  for (let i = 0; i < ids.length; i += 10) {
    await Promise.all(
      ids.slice(i, i + 10).map((id) => fetch(url, { method: "POST", headers, body: updateBody(id) })),
    );
  }
  if (workers) await processed(workers, ids.map(eventId));
}

/** Until every posted update is processed: updates/s from the first request to the last reply, and each one's latency. */
async function endToEnd(services: ReturnType<typeof compose>, sentAt: Map<number, number>) {
  const ids = [...sentAt.keys()].map(eventId);
  await processed(services, ids);
  const rows = await services.db.inboundEvent.findMany({ where: { id: { in: ids } }, select: { id: true, processedAt: true } });
  const latencies = rows.map((row) => row.processedAt!.getTime() - sentAt.get(Number(row.id.split("-").at(-1)))!).sort((a, b) => a - b);
  const first = Math.min(...sentAt.values());
  const last = Math.max(...rows.map((row) => row.processedAt!.getTime()));
  return { "updates/s": Math.round((rows.length * 1000) / (last - first)), "p50 ms": percentile(latencies, 50), "p99 ms": percentile(latencies, 99) };
}

const e2e = (rate?: number) =>
  withTelecons(true, async (url, services) => {
    const sentAt = new Map<number, number>();
    const edge = rate ? await paced(url, rate, sentAt) : await blast(url, sentAt);
    return { ...(await endToEnd(services, sentAt)), non2xx: edge.non2xx, errors: edge.errors };
  });

console.log(`${updates} updates, ${connections} connections`);
console.table({
  "bare Fastify (ceiling)": await ceiling(),
  "bare Fastify (500/s offered)": await ceiling(500),
  "Telecons /webhooks/telegram (acknowledgement)": await withTelecons(false, (url) => blast(url)),
  "Telecons /webhooks/telegram (acknowledgement, 500/s offered)": await withTelecons(false, (url) => paced(url, 500)),
  "Telecons end to end (update → reply rows in the outbox)": await e2e(),
  "Telecons end to end (200/s offered)": await e2e(200),
});
