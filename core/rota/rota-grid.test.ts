import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { coverageRuleInputSchema, ruleMinutes, type CoverageRule } from "./coverage-rule";
import { moscowDay, moscowMidnight, moscowMinuteOfDay } from "./moscow-time";
import { mergedGaps, rotaGrid, type RotaShift } from "./rota-grid";

const at = (iso: string) => new Date(iso);
let next = 0;
const rule = (specialty: string, language: string, from: string, to: string): CoverageRule => ({
  id: `r${++next}`,
  specialty,
  language,
  ...ruleMinutes(coverageRuleInputSchema.parse({ specialty, language, from, to })),
});
const doctor = (languages: string[], startsAt: string, endsAt: string, specialty = "gp"): RotaShift => ({
  id: `s${++next}`, kind: "doctor", personId: `d${next}`, name: "Doctor", specialty, languages, startsAt: at(startsAt), endsAt: at(endsAt),
});
const interpreter = (languages: string[], startsAt: string, endsAt: string): RotaShift => ({
  id: `s${++next}`, kind: "interpreter", personId: `i${next}`, name: "Interpreter", specialty: null, languages, startsAt: at(startsAt), endsAt: at(endsAt),
});
const row = (rows: ReturnType<typeof rotaGrid>, specialty: string, language: string) => rows.find((r) => r.specialty === specialty && r.language === language)!;
/** The Moscow hours (0–23) of a row's hours that match. */
const hoursWhere = (hours: ReturnType<typeof rotaGrid>[number]["hours"], test: (h: (typeof hours)[number]) => boolean) =>
  hours.filter(test).map((h) => moscowMinuteOfDay(h.at) / 60);

// 30 Nov 2026 in Moscow is 29 Nov 21:00 UTC to 30 Nov 21:00 UTC.
const day = "2026-11-30";

function cases() {
  it("places Moscow midnight at 21:00 UTC the day before, all year (no DST)", () => {
    expect(moscowMidnight(day).toISOString()).toBe("2026-11-29T21:00:00.000Z");
    expect(moscowMidnight("2026-07-01").toISOString()).toBe("2026-06-30T21:00:00.000Z");
    expect(moscowDay(at("2026-11-29T20:59:59Z"))).toBe("2026-11-29");
    expect(moscowDay(at("2026-11-29T21:00:00Z"))).toBe(day);
    expect(moscowMinuteOfDay(at("2026-11-29T21:00:00Z"))).toBe(0);
    expect(moscowMinuteOfDay(at("2026-11-30T05:30:00Z"))).toBe(8 * 60 + 30);
  });

  it("covers the Moscow hours of a doctor's shift that crosses midnight, on both days", () => {
    // 22:00–06:00 Moscow: 19:00–03:00 UTC.
    const night = doctor(["tg"], "2026-11-30T19:00:00Z", "2026-12-01T03:00:00Z");
    const rows = rotaGrid(moscowMidnight(day), 48, [night], [rule("gp", "tg", "00:00", "24:00")]);
    const tg = row(rows, "gp", "tg").hours;
    expect(tg).toHaveLength(48);
    expect(tg.filter((h) => h.cover === "doctor").map((h) => h.at.toISOString())).toEqual(
      Array.from({ length: 8 }, (_, i) => new Date(Date.parse("2026-11-30T19:00:00Z") + i * 3600_000).toISOString()),
    );
    expect(hoursWhere(tg.slice(0, 24), (h) => !h.gap)).toEqual([22, 23]);
    expect(hoursWhere(tg.slice(24), (h) => !h.gap)).toEqual([0, 1, 2, 3, 4, 5]);
    // Another language is not covered by this doctor.
    expect(row(rows, "gp", "uz").hours.every((h) => h.doctors === 0 && h.cover === "none")).toBe(true);
  });

  it("asks for the hours of a rule that crosses midnight, and of a daytime rule, by Moscow wall clock", () => {
    const rows = rotaGrid(moscowMidnight(day), 24, [], [rule("gp", "ky", "22:00", "06:00"), rule("gp", "az", "08:00", "22:00")]);
    expect(hoursWhere(row(rows, "gp", "ky").hours, (h) => h.required)).toEqual([0, 1, 2, 3, 4, 5, 22, 23]);
    expect(hoursWhere(row(rows, "gp", "az").hours, (h) => h.required)).toEqual([8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21]);
    // Nothing asks for gp/ru: shown, never a gap.
    expect(row(rows, "gp", "ru").hours.some((h) => h.required || h.gap)).toBe(false);
    expect(row(rows, "pediatrics", "az")).toBeDefined();
  });

  it("asks for an hour a rule covers only in part", () => {
    const rows = rotaGrid(moscowMidnight(day), 24, [], [rule("gp", "uz", "08:30", "09:15")]);
    expect(hoursWhere(row(rows, "gp", "uz").hours, (h) => h.required)).toEqual([8, 9]);
  });

  it("counts a Russian-speaking doctor with a Tajik interpreter as interpreter cover, still a gap for the promise", () => {
    const rows = rotaGrid(
      moscowMidnight(day),
      24,
      [doctor(["ru"], "2026-11-30T05:00:00Z", "2026-11-30T09:00:00Z"), interpreter(["tg", "uz"], "2026-11-30T06:00:00Z", "2026-11-30T12:00:00Z")],
      [rule("gp", "tg", "00:00", "24:00")],
    );
    const tg = row(rows, "gp", "tg").hours;
    // Moscow 08:00–12:00 the doctor, 09:00–15:00 the interpreter.
    expect(hoursWhere(tg, (h) => h.cover === "interpreter")).toEqual([9, 10, 11]);
    expect(tg.filter((h) => h.cover === "interpreter").every((h) => h.gap && h.interpreters === 1 && h.doctors === 0)).toBe(true);
    expect(hoursWhere(row(rows, "gp", "ru").hours, (h) => h.cover === "doctor")).toEqual([8, 9, 10, 11]);
    // An interpreter without a doctor of the specialty covers nothing.
    expect(hoursWhere(tg, (h) => h.interpreters === 1 && h.cover === "none")).toEqual([12, 13, 14]);
    // A paediatrics row is not covered by a gp with an interpreter.
    expect(row(rows, "pediatrics", "tg").hours.every((h) => h.cover === "none")).toBe(true);
  });

  it("merges consecutive uncovered hours into one gap per row and stops at cover", () => {
    const rows = rotaGrid(
      moscowMidnight(day),
      24,
      [doctor(["az"], "2026-11-30T09:00:00Z", "2026-11-30T10:30:00Z")],
      [rule("gp", "az", "08:00", "22:00"), rule("gp", "ky", "22:00", "06:00")],
    );
    expect(mergedGaps(rows).map((g) => [g.specialty, g.language, g.from.toISOString(), g.to.toISOString()])).toEqual([
      ["gp", "ky", "2026-11-29T21:00:00.000Z", "2026-11-30T03:00:00.000Z"],
      ["gp", "az", "2026-11-30T05:00:00.000Z", "2026-11-30T09:00:00.000Z"],
      // 12:00–13:30 Moscow is covered (the 13:00 hour in part).
      ["gp", "az", "2026-11-30T11:00:00.000Z", "2026-11-30T19:00:00.000Z"],
      ["gp", "ky", "2026-11-30T19:00:00.000Z", "2026-11-30T21:00:00.000Z"],
    ]);
  });

  it("refuses rules that are empty or end before they may start", () => {
    const bad = (from: string, to: string) => coverageRuleInputSchema.safeParse({ specialty: "gp", language: "ru", from, to }).success;
    expect([bad("08:00", "08:00"), bad("24:00", "06:00"), bad("25:00", "06:00"), bad("00:00", "00:00")]).toEqual([false, false, false, false]);
    expect(ruleMinutes(coverageRuleInputSchema.parse({ specialty: "gp", language: "ru", from: "00:00", to: "24:00" }))).toEqual({ fromMinute: 0, toMinute: 1440 });
  });
}

describe("rota grid (process TZ as given)", cases);

describe("rota grid with the process in another time zone", () => {
  const original = process.env.TZ;
  beforeAll(() => {
    // Node re-reads TZ when it is assigned: local Date methods would now think in New York time (with its DST).
    process.env.TZ = "America/New_York";
  });
  afterAll(() => {
    if (original === undefined) delete process.env.TZ;
    else process.env.TZ = original;
  });
  it("runs in New York", () => expect(new Date("2026-07-01T12:00:00Z").getTimezoneOffset()).toBe(240));
  cases();
});
