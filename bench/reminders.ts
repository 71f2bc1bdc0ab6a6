/**
 * Reminder fan-out at Telegram's limits: N reminders due at once (default 100 000) go through the scheduler and
 * the outbox, sent by W separate worker processes to a Telegram stand-in that enforces 30 msg/s per bot and
 * 1 msg/s per chat with 429s. Prints the achieved send rate as a share of 30 msg/s, 429s, duplicates and losses.
 * Usage: npm run bench:reminders -- [reminders=100000] [perPatient=1] [workerProcesses=2]
 * At 30 msg/s 100 000 messages take about 56 minutes; smaller runs give the same rate.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { compose } from "../bin/compose";
import { loadConfig } from "../core/config";
import { createScratchDatabase, deleteRedisKeys } from "../scripts/scratch";
import { checkDeliveries, seedDueReminders } from "../test/helpers/reminder-fanout";
import { TelegramStandIn } from "../test/helpers/telegram-stand-in";
import { processTick } from "../workers/reminders.worker";

const total = Number(process.argv[2] ?? 100_000);
const perPatient = Number(process.argv[3] ?? 1);
const processes = Number(process.argv[4] ?? 2);
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const LIMIT = 30;

const database = await createScratchDatabase("bench");
const telegram = await new TelegramStandIn(undefined, { limits: { perSecond: LIMIT, perChatIntervalMs: 1000 }, latencyMs: 20 }).start();
const env = {
  DATABASE_URL: database.url,
  REDIS_PREFIX: `bench-${randomUUID().slice(0, 8)}`,
  LOG_LEVEL: "silent",
  TELEGRAM_BOT_TOKEN: telegram.token,
  TELEGRAM_WEBHOOK_SECRET: "bench-webhook-secret-0123456789",
  TELEGRAM_API_ROOT: telegram.apiRoot,
};
const services = compose(loadConfig(env));
const children: ChildProcess[] = [];

try {
  const seeded = Date.now();
  const expected = await seedDueReminders(services.db, {
    patients: Math.ceil(total / perPatient),
    perPatient,
    dueAt: new Date(),
    chatIdBase: 9_000_000_000,
  });
  console.log(`seeded ${total} due reminders in ${((Date.now() - seeded) / 1000).toFixed(1)} s`);
  for (let i = 0; i < processes; i++) {
    const child = spawn(process.execPath, ["--import", "tsx", "test/helpers/outbox-worker-process.ts"], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "ignore", "inherit"],
    });
    children.push(child);
  }
  const started = Date.now();
  // The scheduler runs in this process while the worker processes send.
  const tick = await processTick(services.reminders);
  console.log(`scheduler wrote ${tick.sent} outbox messages in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const deadline = started + (total / LIMIT) * 2000 + 120_000;
  let last = 0;
  while (telegram.delivered.length < total && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    if (Date.now() - last > 30_000) {
      last = Date.now();
      console.log(`  ${telegram.delivered.length}/${total} delivered after ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const elapsed = (Date.now() - started) / 1000;
  const report = checkDeliveries(telegram.delivered, expected);
  console.log(
    JSON.stringify(
      {
        reminders: total,
        perPatient,
        workerProcesses: processes,
        delivered: report.delivered,
        duplicates: report.duplicates,
        lost: report.lost,
        outOfOrderChats: report.outOfOrderChats,
        seconds: Number(elapsed.toFixed(1)),
        sendRatePerSecond: Number(report.ratePerSecond.toFixed(2)),
        shareOfLimit: `${((report.ratePerSecond / LIMIT) * 100).toFixed(1)}% of ${LIMIT} msg/s`,
        peakPerSecond: report.peakPerSecond,
        answered429: telegram.rateLimited,
      },
      null,
      2,
    ),
  );
} finally {
  for (const child of children) child.kill("SIGTERM");
  await services.close();
  await telegram.stop();
  await database.drop();
  await deleteRedisKeys(REDIS_URL, env.REDIS_PREFIX);
}
