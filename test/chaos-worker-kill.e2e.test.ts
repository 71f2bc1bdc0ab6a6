import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scratchDatabase, type ScratchDatabase } from "./helpers/scratch-database";
import { startChild } from "./helpers/child-process";
import { startHarness, WEBHOOK_SECRET, type Harness } from "./helpers/harness";
import { telegramUpdates } from "./helpers/telegram-stand-in";

/**
 * Chaos (b): the worker process (inbound dialogue and outbox together) is killed with SIGKILL while sends are in
 * flight and updates are mid-dialogue; a new worker process takes over. No patient may lose the welcome or get it
 * twice, and the new process may not stall longer than the lock (BullMQ's job lock and the rows' claims, both
 * LOCK_MS here; in production 30 s and the *_CLAIM_SECONDS).
 */
const LOCK_MS = 2000;
const PATIENTS = 150;
let database: ScratchDatabase;
let h: Harness;
let env: Record<string, string>;
const children: ChildProcess[] = [];

beforeAll(async () => {
  // A database of its own: other suites' sweeps must not take these rows, nor this one's theirs.
  database = await scratchDatabase("workerkill");
  const claimSeconds = String(LOCK_MS / 1000);
  h = await startHarness({ DATABASE_URL: database.url, INBOUND_CLAIM_SECONDS: claimSeconds, OUTBOX_CLAIM_SECONDS: claimSeconds }, { workers: false });
  env = {
    DATABASE_URL: database.url,
    REDIS_PREFIX: h.services.config.REDIS_PREFIX,
    LOG_LEVEL: "silent",
    TELEGRAM_BOT_TOKEN: h.telegram.token,
    TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
    TELEGRAM_API_ROOT: h.telegram.apiRoot,
    OUTBOX_BACKOFF_MS: "50",
    OUTBOX_BACKOFF_MAX_MS: "400",
    OUTBOX_RATE_LIMITS: "telegram:200:20,vk:200:0,web:1000:0",
    INBOUND_CLAIM_SECONDS: claimSeconds,
    OUTBOX_CLAIM_SECONDS: claimSeconds,
    // A reply committed by the killed process but not yet queued waits for the outbox sweep (the designed recovery).
    OUTBOX_SWEEP_SECONDS: "2",
    TEST_LOCK_MS: String(LOCK_MS),
  };
}, 60_000);
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  await h?.close();
  await database?.drop();
});

const startWorkers = async () => {
  const child = await startChild("test/helpers/workers-process.ts", env);
  children.push(child);
  return child;
};
const welcomes = (chatId: number) => h.telegram.delivered.filter((m) => m.chatId === String(chatId) && m.text.startsWith("Здравствуйте")).length;

describe("kill -9 of the worker process with sends in flight", () => {
  it("loses nothing, sends nothing twice and does not stall longer than the lock", async () => {
    let workers = await startWorkers();
    const patients = Array.from({ length: PATIENTS }, () => h.newPatient("ru"));
    for (const patient of patients) {
      expect((await h.postUpdate(telegramUpdates.text(h.nextUpdateId(), patient, "/start"))).statusCode).toBe(200);
    }
    await h.telegram.waitFor(() => h.telegram.delivered.length >= 40, 30_000);

    // Freeze "Telegram" so sends are in flight, then kill the workers while they are and while dialogues run.
    h.telegram.hold();
    await h.telegram.waitFor(() => h.telegram.heldCount >= 1, 5_000);
    // Kill once every message Telegram accepted is recorded as sent: a crash between Telegram's "ok" and that record
    // resends one message, the window no Bot API call can close (README, Reminders).
    await expect.poll(() => h.db.outboxMessage.count({ where: { status: "sent" } }), { timeout: 10_000 }).toBe(h.telegram.delivered.length);
    const unfinished = await h.db.inboundEvent.count({ where: { status: "pending" } });
    workers.kill("SIGKILL");
    await new Promise((resolve) => workers.once("exit", resolve));
    // The dead process's requests never reach Telegram: their client is gone.
    await h.telegram.waitFor(() => h.telegram.heldOpenCount === 0, 5_000);
    h.telegram.release();
    const deliveredBeforeKill = h.telegram.delivered.length;
    expect(deliveredBeforeKill).toBeLessThan(PATIENTS * 2);

    workers = await startWorkers();
    const restartedAt = Date.now();
    await h.telegram.waitFor(() => h.telegram.delivered.length > deliveredBeforeKill, 30_000);
    const stallMs = Date.now() - restartedAt;
    await h.telegram.waitFor(() => patients.every((p) => welcomes(p.id) >= 1), 60_000);
    await expect.poll(() => h.db.outboxMessage.count({ where: { status: { not: "sent" } } }), { timeout: 30_000 }).toBe(0);
    // Anything sent twice would show up now.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    console.info("worker kill -9", { deliveredBeforeKill, unfinishedInbound: unfinished, stallMs, delivered: h.telegram.delivered.length });
    expect(patients.filter((p) => welcomes(p.id) !== 1)).toEqual([]);
    const perText = new Map<string, number>();
    for (const m of h.telegram.delivered) perText.set(`${m.chatId} ${m.text}`, (perText.get(`${m.chatId} ${m.text}`) ?? 0) + 1);
    expect([...perText.values()].filter((n) => n > 1)).toEqual([]);
    expect(await h.db.inboundEvent.count({ where: { status: { not: "processed" } } })).toBe(0);
    // The new process waits out the dead one's locks and claims (LOCK_MS each), then delivers.
    expect(stallMs).toBeLessThan(2 * LOCK_MS + 4000);
    workers.kill("SIGTERM");
  }, 120_000);
});
