import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scratchDatabase, type ScratchDatabase } from "./helpers/scratch-database";
import { startHarness, type Harness } from "./helpers/harness";
import { checkDeliveries, seedDueReminders } from "./helpers/reminder-fanout";
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { compose, type Services } from "../bin/compose";
import { loadConfig } from "../core/config";
import { processTick } from "../workers/reminders.worker";
import { WEBHOOK_SECRET } from "./helpers/harness";
import { TelegramStandIn } from "./helpers/telegram-stand-in";

const PATIENTS = 150;
const PER_PATIENT = 3;

describe("reminder fan-out at Telegram's limits", () => {
  let database: ScratchDatabase;
  let h: Harness;
  beforeAll(async () => {
    // A database of its own: the other suites' schedulers and sweeps must not take these reminders.
    database = await scratchDatabase("fanout");
    h = await startHarness(
      { DATABASE_URL: database.url, REMINDERS_TICK_MS: "500", OUTBOX_RATE_LIMITS: "telegram:30:1100" },
      { telegram: { limits: { perSecond: 30, perChatIntervalMs: 1000 }, latencyMs: 5 } },
    );
  });
  afterAll(async () => {
    await h?.close();
    await database?.drop();
  });

  it(`sends ${PATIENTS * PER_PATIENT} due reminders at 30 msg/s and 1 msg/s per chat: none twice, none lost, in order`, async () => {
    const expected = await seedDueReminders(h.db, { patients: PATIENTS, perPatient: PER_PATIENT, dueAt: new Date(), chatIdBase: 7_000_000_000 });
    const total = PATIENTS * PER_PATIENT;
    await h.telegram.waitFor(() => h.telegram.delivered.length >= total, 100_000);
    // Anything sent twice would show up now.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const report = checkDeliveries(h.telegram.delivered, expected);
    const perSecond = new Map<number, number>();
    for (const m of h.telegram.delivered) perSecond.set(Math.floor(m.at / 1000), (perSecond.get(Math.floor(m.at / 1000)) ?? 0) + 1);
    console.info("fan-out", { ...report, rateLimited: h.telegram.rateLimited, perSecond: [...perSecond.values()].join(" ") });
    expect(report).toMatchObject({ expected: total, delivered: total, duplicates: 0, lost: 0, outOfOrderChats: 0 });
    // The stand-in refused whatever went over its limits, so everything it accepted was within them…
    expect(report.peakPerSecond).toBeLessThanOrEqual(30);
    // …and the limiter kept us close to the limit without leaning on 429s.
    expect(report.ratePerSecond).toBeGreaterThan(10);
    expect(h.telegram.rateLimited.overall + h.telegram.rateLimited.perChat).toBeLessThan(total * 0.05);
    const outbox = await h.db.outboxMessage.groupBy({ by: ["status"], _count: true });
    expect(outbox).toEqual([{ status: "sent", _count: total }]);
    expect(await h.db.reminderOccurrence.count({ where: { status: "sent" } })).toBe(total);
  }, 150_000);
});

describe("a worker killed mid-run", () => {
  let killDatabase: ScratchDatabase;
  let telegram: TelegramStandIn;
  let services: Services;
  let child: ChildProcess | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    killDatabase = await scratchDatabase("kill");
    telegram = await new TelegramStandIn(undefined, { limits: { perSecond: 30, perChatIntervalMs: 1000 }, latencyMs: 5 }).start();
    env = {
      DATABASE_URL: killDatabase.url,
      REDIS_PREFIX: `test-kill-${randomUUID().slice(0, 8)}`,
      LOG_LEVEL: "silent",
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      OUTBOX_BACKOFF_MS: "50",
      OUTBOX_BACKOFF_MAX_MS: "400",
      // The dead worker's rows stay claimed this long before the new worker may send them.
      OUTBOX_CLAIM_SECONDS: "3",
    };
    services = compose(loadConfig(env));
  });
  afterAll(async () => {
    child?.kill("SIGKILL");
    await services?.close();
    await telegram?.stop();
    await killDatabase?.drop();
  });

  function startWorkerProcess(): Promise<ChildProcess> {
    const proc = spawn(process.execPath, ["--import", "tsx", "test/helpers/outbox-worker-process.ts"], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "inherit"],
    });
    return new Promise((resolve, reject) => {
      proc.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("ready") && resolve(proc));
      proc.once("exit", (code) => reject(new Error(`worker process exited with ${code}`)));
    });
  }

  it("loses nothing and sends nothing twice: its jobs are taken up again after kill -9", async () => {
    const expected = await seedDueReminders(services.db, { patients: 40, perPatient: 3, dueAt: new Date(), chatIdBase: 8_000_000_000 });
    await processTick(services.reminders);
    child = await startWorkerProcess();

    await telegram.waitFor(() => telegram.delivered.length >= 30, 20_000);
    // Freeze "Telegram" so the worker has sends in flight, then kill it while they are.
    telegram.hold();
    await telegram.waitFor(() => telegram.heldCount >= 1, 5_000);
    // Kill once every message Telegram accepted is recorded as sent: a crash between Telegram's "ok" and that
    // record would resend one message, a window no Bot API call can close (README, Reminders). Under load the
    // worker can lag behind by more than a fixed pause, so the test waits for the record itself.
    await expect
      .poll(() => services.db.outboxMessage.count({ where: { status: "sent" } }), { timeout: 10_000 })
      .toBe(telegram.delivered.length);
    child.kill("SIGKILL");
    await new Promise((resolve) => child!.once("exit", resolve));
    child = undefined;
    // The dead process's connections close a moment after it exits; releasing before that would deliver them.
    await telegram.waitFor(() => telegram.heldOpenCount === 0, 5_000);
    const deliveredBeforeKill = telegram.delivered.length;
    // The requests of the dead process never reach Telegram: their client is gone.
    telegram.release();
    const stuck = await services.db.outboxMessage.count({ where: { status: "pending" } });
    expect(stuck).toBeGreaterThan(0);

    // A new worker (this process) takes the dead one's active jobs back once their locks expire.
    await services.startWorkers({ outboxOnly: true, locks: { lockDuration: 2000, stalledInterval: 1000 } });
    await telegram.waitFor(() => telegram.delivered.length >= 120, 90_000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const report = checkDeliveries(telegram.delivered, expected);
    console.info("kill -9", { deliveredBeforeKill, ...report });
    expect(report).toMatchObject({ expected: 120, delivered: 120, duplicates: 0, lost: 0, outOfOrderChats: 0 });
    expect(await services.db.outboxMessage.count({ where: { status: "sent" } })).toBe(120);
  }, 150_000);
});
