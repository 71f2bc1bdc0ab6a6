import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compose, type Services } from "../bin/compose";
import { loadConfig } from "../core/config";
import { processTick } from "../workers/reminders.worker";
import { createScratchDatabase } from "../scripts/scratch";
import { WEBHOOK_SECRET } from "./helpers/harness";
import { checkDeliveries, seedDueReminders } from "./helpers/reminder-fanout";
import { TelegramStandIn } from "./helpers/telegram-stand-in";

let database: Awaited<ReturnType<typeof createScratchDatabase>>;
let telegram: TelegramStandIn;
let services: Services;
let child: ChildProcess | undefined;
let env: Record<string, string>;

beforeAll(async () => {
  database = await createScratchDatabase("kill");
  telegram = await new TelegramStandIn(undefined, { limits: { perSecond: 30, perChatIntervalMs: 1000 }, latencyMs: 5 }).start();
  env = {
    DATABASE_URL: database.url,
    REDIS_PREFIX: `test-kill-${randomUUID().slice(0, 8)}`,
    LOG_LEVEL: "silent",
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    OUTBOX_BACKOFF_MS: "50",
    OUTBOX_BACKOFF_MAX_MS: "400",
  };
  services = compose(loadConfig(env));
});
afterAll(async () => {
  child?.kill("SIGKILL");
  await services?.close();
  await telegram?.stop();
  await database?.drop();
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

describe("a worker killed mid-run", () => {
  it("loses nothing and sends nothing twice: its jobs are taken up again after kill -9", async () => {
    const expected = await seedDueReminders(services.db, { patients: 40, perPatient: 3, dueAt: new Date(), chatIdBase: 8_000_000_000 });
    await processTick(services.reminders);
    child = await startWorkerProcess();

    await telegram.waitFor(() => telegram.delivered.length >= 30, 20_000);
    // Freeze "Telegram" so the worker has sends in flight, then kill it while they are.
    telegram.hold();
    await telegram.waitFor(() => telegram.heldCount >= 1, 5_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    child.kill("SIGKILL");
    await new Promise((resolve) => child!.once("exit", resolve));
    child = undefined;
    const deliveredBeforeKill = telegram.delivered.length;
    // The requests of the dead process never reach Telegram: their client is gone.
    telegram.release();
    const stuck = await services.db.outboxMessage.count({ where: { status: "pending" } });
    expect(stuck).toBeGreaterThan(0);

    // A new worker (this process) takes the dead one's active jobs back once their locks expire.
    await services.startWorkers({ reminders: false, locks: { lockDuration: 2000, stalledInterval: 1000 } });
    await telegram.waitFor(() => telegram.delivered.length >= 120, 40_000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const report = checkDeliveries(telegram.delivered, expected);
    console.info("kill -9", { deliveredBeforeKill, ...report });
    expect(report).toMatchObject({ expected: 120, delivered: 120, duplicates: 0, lost: 0, outOfOrderChats: 0 });
    expect(await services.db.outboxMessage.count({ where: { status: "sent" } })).toBe(120);
  }, 60_000);
});
