import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScratchDatabase } from "../scripts/scratch";
import { startHarness, type Harness } from "./helpers/harness";
import { checkDeliveries, seedDueReminders } from "./helpers/reminder-fanout";

const PATIENTS = 150;
const PER_PATIENT = 3;

let database: Awaited<ReturnType<typeof createScratchDatabase>>;
let h: Harness;
beforeAll(async () => {
  // A database of its own: the other suites' schedulers and sweeps must not take these reminders.
  database = await createScratchDatabase("fanout");
  h = await startHarness(
    { DATABASE_URL: database.url, REMINDERS_TICK_MS: "500", OUTBOX_RATE_LIMITS: "telegram:29:1100" },
    { telegram: { limits: { perSecond: 30, perChatIntervalMs: 1000 }, latencyMs: 5 } },
  );
});
afterAll(async () => {
  await h?.close();
  await database?.drop();
});

describe("reminder fan-out at Telegram's limits", () => {
  it(`sends ${PATIENTS * PER_PATIENT} due reminders at 30 msg/s and 1 msg/s per chat: none twice, none lost, in order`, async () => {
    const expected = await seedDueReminders(h.db, { patients: PATIENTS, perPatient: PER_PATIENT, dueAt: new Date(), chatIdBase: 7_000_000_000 });
    const total = PATIENTS * PER_PATIENT;
    await h.telegram.waitFor(() => h.telegram.delivered.length >= total, 55_000);
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
    expect(report.ratePerSecond).toBeGreaterThan(15);
    expect(h.telegram.rateLimited.overall + h.telegram.rateLimited.perChat).toBeLessThan(total * 0.05);
    const outbox = await h.db.outboxMessage.groupBy({ by: ["status"], _count: true });
    expect(outbox).toEqual([{ status: "sent", _count: total }]);
    expect(await h.db.reminderOccurrence.count({ where: { status: "sent" } })).toBe(total);
  }, 70_000);
});
