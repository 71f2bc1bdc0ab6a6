import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { afterQuietHours, plannedDoses, type DailyTimes } from "./schedule";

const daily = (timezone: string, startDate: string, endDate: string, timesOfDay: string[]): DailyTimes => ({
  timezone,
  startDate,
  endDate,
  timesOfDay,
});
const iso = (doses: { dueAt: Date }[]) => doses.map((d) => d.dueAt.toISOString());
const window = (from: string, to: string) => [new Date(from), new Date(to)] as const;

function cases() {
  it("puts times of day in the patient's zone, not the server's", () => {
    const doses = plannedDoses(daily("Europe/Moscow", "2026-06-01", "2026-06-02", ["09:00", "21:00"]), ...window("2026-05-31T00:00Z", "2026-06-05T00:00Z"));
    expect(iso(doses)).toEqual(["2026-06-01T06:00:00.000Z", "2026-06-01T18:00:00.000Z", "2026-06-02T06:00:00.000Z", "2026-06-02T18:00:00.000Z"]);
    expect(doses.map((d) => d.localKey)).toEqual(["2026-06-01T09:00", "2026-06-01T21:00", "2026-06-02T09:00", "2026-06-02T21:00"]);
  });

  it("keeps 08:00 local across the spring change in New York (UTC offset -5 → -4)", () => {
    const doses = plannedDoses(daily("America/New_York", "2026-03-07", "2026-03-09", ["08:00"]), ...window("2026-03-06T00:00Z", "2026-03-12T00:00Z"));
    expect(iso(doses)).toEqual(["2026-03-07T13:00:00.000Z", "2026-03-08T12:00:00.000Z", "2026-03-09T12:00:00.000Z"]);
  });

  it("moves a dose at a skipped time (02:30 on Berlin's spring night) forward by the gap, once", () => {
    const doses = plannedDoses(daily("Europe/Berlin", "2026-03-29", "2026-03-29", ["02:30"]), ...window("2026-03-28T00:00Z", "2026-03-31T00:00Z"));
    expect(iso(doses)).toEqual(["2026-03-29T01:30:00.000Z"]); // 03:30 CEST
  });

  it("gives a dose at a repeated time (02:30 on Berlin's autumn night) once, the first time the clock shows it", () => {
    const doses = plannedDoses(daily("Europe/Berlin", "2026-10-24", "2026-10-26", ["02:30"]), ...window("2026-10-23T00:00Z", "2026-10-28T00:00Z"));
    expect(iso(doses)).toEqual(["2026-10-24T00:30:00.000Z", "2026-10-25T00:30:00.000Z", "2026-10-26T01:30:00.000Z"]);
    expect(new Set(doses.map((d) => d.localKey)).size).toBe(3);
  });

  it("takes start and end dates as local dates, inclusive, and only doses inside the window", () => {
    // Tashkent is UTC+5: 00:30 local on the 1st is still the 31st in UTC.
    const schedule = daily("Asia/Tashkent", "2026-06-01", "2026-06-02", ["00:30", "23:30"]);
    expect(iso(plannedDoses(schedule, ...window("2026-05-01T00:00Z", "2026-07-01T00:00Z")))).toEqual([
      "2026-05-31T19:30:00.000Z",
      "2026-06-01T18:30:00.000Z",
      "2026-06-01T19:30:00.000Z",
      "2026-06-02T18:30:00.000Z",
    ]);
    expect(iso(plannedDoses(schedule, ...window("2026-06-01T00:00Z", "2026-06-01T19:30Z")))).toEqual(["2026-06-01T18:30:00.000Z"]);
  });

  it("postpones a reminder in quiet hours to their end, across midnight, in the patient's zone", () => {
    const quiet = { start: "22:00", end: "08:00" };
    // Dushanbe is UTC+5.
    expect(afterQuietHours(new Date("2026-06-01T18:30Z"), "Asia/Dushanbe", quiet).toISOString()).toBe("2026-06-02T03:00:00.000Z"); // 23:30 → 08:00 next day
    expect(afterQuietHours(new Date("2026-06-01T02:00Z"), "Asia/Dushanbe", quiet).toISOString()).toBe("2026-06-01T03:00:00.000Z"); // 07:00 → 08:00
    expect(afterQuietHours(new Date("2026-06-01T07:00Z"), "Asia/Dushanbe", quiet).toISOString()).toBe("2026-06-01T07:00:00.000Z"); // 12:00 stays
    expect(afterQuietHours(new Date("2026-06-01T03:00Z"), "Asia/Dushanbe", quiet).toISOString()).toBe("2026-06-01T03:00:00.000Z"); // 08:00 is after
    const siesta = { start: "13:00", end: "15:00" };
    expect(afterQuietHours(new Date("2026-06-01T09:00Z"), "Asia/Dushanbe", siesta).toISOString()).toBe("2026-06-01T10:00:00.000Z");
    expect(afterQuietHours(new Date("2026-06-01T09:00Z"), "Asia/Dushanbe", undefined).toISOString()).toBe("2026-06-01T09:00:00.000Z");
  });

  it("ends quiet hours at local 08:00 on the day the clocks change", () => {
    // New York, 2026-11-01: 02:00 EDT → 01:00 EST. 23:00 EDT on Oct 31 → 08:00 EST on Nov 1 = 13:00Z.
    expect(afterQuietHours(new Date("2026-11-01T03:00Z"), "America/New_York", { start: "22:00", end: "08:00" }).toISOString()).toBe(
      "2026-11-01T13:00:00.000Z",
    );
  });
}

describe("reminder times (process TZ as given)", cases);

describe("reminder times under another process time zone", () => {
  const original = process.env.TZ;
  beforeAll(() => {
    // Node re-reads TZ when it is assigned: Date's local methods now think in Auckland time.
    process.env.TZ = "Pacific/Auckland";
  });
  afterAll(() => {
    if (original === undefined) delete process.env.TZ;
    else process.env.TZ = original;
  });
  it("really runs under Pacific/Auckland", () => {
    expect(new Date("2026-06-01T00:00Z").getTimezoneOffset()).toBe(-720);
  });
  cases();
});
