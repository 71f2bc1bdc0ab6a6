import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scratchDatabaseOn } from "./helpers/scratch-database";
import { startHarness, type Harness } from "./helpers/harness";
import { PrivatePostgres } from "./helpers/private-postgres";
import { telegramUpdates } from "./helpers/telegram-stand-in";

/**
 * Chaos (d): Postgres stops (as a crash: `-m immediate`) for 15 s while patients write. The edge must answer 503
 * for what it cannot store, so Telegram delivers it again, and 200 only for what it stored; once Postgres is back,
 * every patient is answered exactly once.
 */
const PATIENTS = 300;
const OUTAGE_MS = 15_000;
let server: PrivatePostgres;
let h: Harness;

beforeAll(async () => {
  // Its own server, never the machine's shared one.
  server = await PrivatePostgres.start();
  const database = await scratchDatabaseOn(server.adminUrl, "pgstop");
  h = await startHarness({
    DATABASE_URL: database.url,
    // A dead attempt's chat and row wait this long; retries must outlast the outage.
    INBOUND_CLAIM_SECONDS: "3",
    OUTBOX_CLAIM_SECONDS: "3",
    OUTBOX_BACKOFF_MAX_MS: "2000",
    OUTBOX_SWEEP_SECONDS: "2",
  });
}, 60_000);
afterAll(async () => {
  await h?.close();
  await server?.remove();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const welcomes = (chatId: number) => h.telegram.delivered.filter((m) => m.chatId === String(chatId) && m.text.startsWith("Здравствуйте")).length;

describe("Postgres stopped for 15 s under load", () => {
  it("answers 503 while it cannot store, and every patient is answered once after it returns", async () => {
    const patients = Array.from({ length: PATIENTS }, () => h.newPatient("ru"));
    const updates = patients.map((patient) => telegramUpdates.text(h.nextUpdateId(), patient, "/start"));
    const answers = new Map<number, number>();
    const count = (status: number) => answers.set(status, (answers.get(status) ?? 0) + 1);
    let next = 0;
    // Ten connections, each sending about 1.6 updates a second; what is not answered 200 comes again, as Telegram does.
    const sender = async () => {
      while (next < updates.length) {
        const update = updates[next++]!;
        for (;;) {
          const { statusCode } = await h.postUpdate(update);
          count(statusCode);
          if (statusCode === 200) break;
          await sleep(250);
        }
        await sleep(600);
      }
    };
    const load = Promise.all(Array.from({ length: 10 }, sender));

    await sleep(3000);
    await server.stop();
    const stoppedAt = Date.now();
    await expect.poll(async () => (await h.app.inject("/readyz")).json().failing, { timeout: 5000 }).toContain("postgres");
    await sleep(OUTAGE_MS - (Date.now() - stoppedAt));
    await server.restart();
    await load;

    console.info("postgres stop", Object.fromEntries(answers));
    expect(answers.get(503)).toBeGreaterThan(0);
    expect([...answers.keys()].sort()).toEqual([200, 503]);
    await h.telegram.waitFor(() => patients.every((p) => welcomes(p.id) >= 1), 60_000);
    // Anything sent twice would show up now.
    await sleep(1500);
    expect(patients.filter((p) => welcomes(p.id) !== 1)).toEqual([]);
    expect(await h.db.inboundEvent.count({ where: { status: { not: "processed" } } })).toBe(0);
  }, 120_000);
});
