import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scratchDatabase, type ScratchDatabase } from "./helpers/scratch-database";
import { startChild } from "./helpers/child-process";
import { startHarness, WEBHOOK_SECRET, type Harness } from "./helpers/harness";
import { PrivateRedis } from "./helpers/private-redis";
import { checkDeliveries, seedDueReminders } from "./helpers/reminder-fanout";
import { telegramUpdates } from "./helpers/telegram-stand-in";

/**
 * Chaos (c): Redis restarts with its data lost (no persistence) while replies wait for a Telegram outage to end.
 * The queued jobs and every repeatable job are gone. The workers must re-create the schedulers by themselves,
 * /readyz must name the missing ones meanwhile, and nothing may be lost: the replies whose jobs vanished, the
 * updates stored while Redis was away, and a reminder due after the restart all arrive, once each.
 */
const CHECK_SECONDS = 3;
let redis: PrivateRedis;
let database: ScratchDatabase;
let h: Harness;
let workers: ChildProcess | undefined;

beforeAll(async () => {
  // Its own Redis (stopped below) and its own database (its short sweeps must not take other suites' rows).
  redis = await PrivateRedis.start();
  database = await scratchDatabase("redisloss");
  const env = {
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    OUTBOX_BACKOFF_MS: "200",
    OUTBOX_BACKOFF_MAX_MS: "2000",
    OUTBOX_SWEEP_SECONDS: "2",
    // A row claimed by a send whose job Redis then lost is sent again once its claim lapses (the claim is the lock):
    // 5 s here rather than the default minute, so the wait below covers it.
    OUTBOX_CLAIM_SECONDS: "5",
    INBOUND_CLAIM_SECONDS: "5",
    REMINDERS_TICK_MS: "1000",
    SCHEDULER_CHECK_SECONDS: String(CHECK_SECONDS),
  };
  // The api runs here; the workers are a process of their own, as in production.
  h = await startHarness(env, { workers: false });
  workers = await startChild("test/helpers/workers-process.ts", {
    ...env,
    REDIS_PREFIX: h.services.config.REDIS_PREFIX,
    LOG_LEVEL: "silent",
    TELEGRAM_BOT_TOKEN: h.telegram.token,
    TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
    TELEGRAM_API_ROOT: h.telegram.apiRoot,
    OUTBOX_RATE_LIMITS: "telegram:200:20,vk:200:0,web:1000:0",
  });
}, 60_000);
afterAll(async () => {
  if (workers && workers.exitCode === null) workers.kill("SIGKILL");
  await h?.close();
  redis?.kill();
  await database?.drop();
});

const readyz = async () => (await h.app.inject("/readyz")).json() as { failing: string[]; checks: Record<string, string> };
const welcomes = (chatId: number) => h.telegram.delivered.filter((m) => m.chatId === String(chatId) && m.text.startsWith("Здравствуйте")).length;

describe("Redis restarted with its data lost", () => {
  it("re-creates the schedulers by itself, /readyz names them meanwhile, and every reply and reminder arrives once", async () => {
    expect((await readyz()).failing).toEqual([]);

    // Replies whose delivery jobs live only in Redis: Telegram is down, so they wait in BullMQ's retries.
    h.telegram.setDown(true);
    const before = Array.from({ length: 20 }, () => h.newPatient("ru"));
    for (const patient of before) await h.deliver(telegramUpdates.text(h.nextUpdateId(), patient, "/start"));
    expect(await h.db.outboxMessage.count({ where: { status: "pending" } })).toBeGreaterThanOrEqual(20);

    // The workers process is paused over the restart, so what the api reports before any worker looks is seen.
    workers!.kill("SIGSTOP");
    await redis.stopLosingData();
    // Meanwhile the edge still stores what arrives (Postgres), and answers 200.
    const during = Array.from({ length: 10 }, () => h.newPatient("ru"));
    for (const patient of during) {
      expect((await h.postUpdate(telegramUpdates.text(h.nextUpdateId(), patient, "/start"))).statusCode).toBe(200);
    }
    expect((await readyz()).failing).toContain("redis");
    await redis.restart();
    h.telegram.setDown(false);

    await expect.poll(async () => (await readyz()).failing, { timeout: 10_000, interval: 100 }).toEqual(["schedulers"]);
    const missing = (await readyz()).checks.schedulers!;
    for (const name of ["outbox/outbox-sweep", "inbound/inbound-sweep", "reminders/reminders-tick", "escalation/escalation-sweep", "video/video-sweep"]) {
      expect(missing).toContain(name);
    }

    const resumedAt = Date.now();
    workers!.kill("SIGCONT");
    await expect.poll(async () => (await readyz()).failing, { timeout: 60_000, interval: 200 }).toEqual([]);
    // Within the check period plus the worker's reconnect (ioredis backs off up to 2 s) and a loaded machine's lag;
    // the issue asks for less than a minute.
    expect(Date.now() - resumedAt).toBeLessThan((CHECK_SECONDS + 12) * 1000);

    // The reminder tick is back: a dose due now goes out.
    const reminders = await seedDueReminders(h.db, { patients: 1, perPatient: 1, dueAt: new Date(), chatIdBase: 9_100_000_000 + Math.floor(Math.random() * 1e6) });
    const everyone = [...before, ...during];
    await h.telegram.waitFor(() => everyone.every((p) => welcomes(p.id) >= 1) && checkDeliveries(h.telegram.delivered, reminders).lost === 0, 40_000);
    // Anything sent twice would show up now.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(everyone.filter((p) => welcomes(p.id) !== 1)).toEqual([]);
    expect(checkDeliveries(h.telegram.delivered, reminders)).toMatchObject({ expected: 1, delivered: 1, duplicates: 0, lost: 0 });
    expect(await h.db.outboxMessage.count({ where: { status: { not: "sent" } } })).toBe(0);
  }, 90_000);
});
