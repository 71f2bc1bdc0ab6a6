import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConsoleEvent } from "../core/realtime/console-events";
import { scratchDatabase, type ScratchDatabase } from "../test/helpers/scratch-database";
import { startHarness, type Harness } from "../test/helpers/harness";
import { coverageQueue, processCoverageCheck } from "./coverage.worker";
import { Schedulers } from "./schedulers";

const CHAT = "-1009990001";
const by = { type: "system" as const };
let database: ScratchDatabase;
let h: Harness;
const events: ConsoleEvent[] = [];

beforeAll(async () => {
  // A database of its own: the gaps counted here are those of this file's rules only.
  database = await scratchDatabase("coverage");
  h = await startHarness({ DATABASE_URL: database.url, COVERAGE_DIGEST_CHAT_ID: CHAT, COVERAGE_DIGEST_HOUR: "0" }, { workers: false });
  await h.services.events.subscribe((event) => events.push(event));
});
afterAll(async () => {
  await h?.close();
  await database?.drop();
});

const digests = () => h.telegram.sent(CHAT).map((call) => String(call.params.text));

describe("coverage worker", () => {
  it("through Redis: the hourly job tells the console about the next 48 h and sends the day's digest once, however often it runs", async () => {
    const rule = await h.services.rota.addRule({ specialty: "gp", language: "tg", from: "00:00", to: "24:00" }, by);
    const worker = h.services.queues.start(coverageQueue, h.services.coverageDeps(h.services.telegram!.channel));
    let completed = 0;
    worker.on("completed", () => completed++);
    // The scheduler as the worker processes keep it: an `every` scheduler runs its first job at once.
    await new Schedulers(h.services.queues.schedulerSpecs(coverageQueue)).ensure(true);

    await expect.poll(() => completed, { timeout: 15_000 }).toBe(1);
    await expect.poll(() => events.filter((e) => e.type === "coverage.gaps"), { timeout: 5000 }).toMatchObject([{ type: "coverage.gaps", count: 48 }]);
    expect(digests()).toHaveLength(1);
    expect(digests()[0]).toContain("Терапевт (врач общей практики), таджикский:");

    // A second run the same day (another worker process, a retried job): the console hears again, the chat does not.
    await h.services.queues.open(coverageQueue).add("check", {});
    await expect.poll(() => completed, { timeout: 15_000 }).toBe(2);
    await expect.poll(() => events.filter((e) => e.type === "coverage.gaps").length, { timeout: 5000 }).toBe(2);
    expect(digests()).toHaveLength(1);
    await h.services.rota.removeRule(rule.id, by);
  });

  it("counts a night rule's uncovered hours around a shift crossing midnight, and sends the digest only from its hour", async () => {
    const rule = await h.services.rota.addRule({ specialty: "gp", language: "ky", from: "22:00", to: "06:00" }, by);
    const { doctor } = await h.services.doctors.create({ name: "Айгуль Токтогулова", specialties: ["gp"], languages: ["ky", "ru"] });
    // 1 March 2032, 22:00 to 02:00 Moscow (19:00–23:00 UTC).
    await h.services.rota.addShift({ kind: "doctor", doctorId: doctor.id, specialty: "gp", startsAt: "2032-03-01T19:00:00Z", endsAt: "2032-03-01T23:00:00Z" }, by);
    const deps = { ...h.services.coverageDeps(h.services.telegram!.channel), digest: { chatId: CHAT, channel: h.services.telegram!.channel, fromHour: 21 } };
    const before = digests().length;

    // 20:30 Moscow: the next 48 h hold 02:00–06:00 of the first night and the whole second night (4 + 8 hours).
    expect(await processCoverageCheck(deps, new Date("2032-03-01T17:30:00Z"))).toBe(12);
    expect(digests()).toHaveLength(before);
    // 21:10 Moscow: the day's digest goes, listing the gaps of the week in Moscow time.
    expect(await processCoverageCheck(deps, new Date("2032-03-01T18:10:00Z"))).toBe(12);
    expect(digests()).toHaveLength(before + 1);
    const text = digests().at(-1)!;
    expect(text.split("\n")[0]).toBe("Дежурства: часы без врача на языке пациента на ближайшие 7 дней (время московское)");
    const lines = text.split("\n").filter((line) => line.includes("киргизский"));
    expect(lines).toHaveLength(7);
    expect(lines[0]).toMatch(/2 мар.*02:00 – .*2 мар.*06:00/);
    expect(lines[1]).toMatch(/2 мар.*22:00 – .*3 мар.*06:00/);
    await h.services.rota.removeRule(rule.id, by);
  });
});
