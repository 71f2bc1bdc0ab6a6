import { DateTime, IANAZone } from "luxon";
import { z } from "zod";

/** "HH:mm", 00:00–23:59. */
export const timeOfDaySchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:mm");
export const localDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be YYYY-MM-DD").refine(
  (value) => DateTime.fromISO(value).isValid,
  "is not a date",
);
export const timezoneSchema = z.string().refine((zone) => IANAZone.isValidZone(zone), "is not an IANA time zone");

export interface DailyTimes {
  timesOfDay: string[];
  startDate: string;
  endDate: string;
  timezone: string;
}

export interface PlannedDose {
  /** Stable across runs and DST: the local wall-clock date and time the dose is for. */
  localKey: string;
  dueAt: Date;
}

/**
 * The doses of a daily schedule due in [from, to). Wall-clock times follow the patient's zone across DST:
 * a time skipped by the spring change (02:30 on a 02:00→03:00 night) moves forward by the gap, and a time
 * that happens twice in autumn is taken once, at its first (earlier) instant — one dose per local time.
 */
export function plannedDoses(schedule: DailyTimes, from: Date, to: Date): PlannedDose[] {
  const zone = schedule.timezone;
  const first = DateTime.fromISO(schedule.startDate, { zone });
  const last = DateTime.fromISO(schedule.endDate, { zone });
  const fromLocal = DateTime.fromJSDate(from, { zone }).startOf("day").minus({ days: 1 });
  const toLocal = DateTime.fromJSDate(to, { zone }).startOf("day").plus({ days: 1 });
  const doses: PlannedDose[] = [];
  for (let day = first < fromLocal ? fromLocal : first; day <= last && day <= toLocal; day = day.plus({ days: 1 })) {
    const date = day.toISODate()!;
    for (const time of [...schedule.timesOfDay].sort()) {
      const [hour, minute] = time.split(":").map(Number) as [number, number];
      const dueAt = wallTime(day, hour, minute, zone).toJSDate();
      if (dueAt >= from && dueAt < to) doses.push({ localKey: `${date}T${time}`, dueAt });
    }
  }
  return doses;
}

/**
 * The instant a wall-clock time happens in a zone. luxon shifts a skipped time forward by the gap and puts a
 * repeated one at its later instant; we want the first time the clock shows it, so look one shift earlier.
 */
function wallTime(day: DateTime, hour: number, minute: number, zone: string): DateTime {
  const at = DateTime.fromObject({ year: day.year, month: day.month, day: day.day, hour, minute }, { zone });
  for (const shift of [60, 30]) {
    const earlier = at.minus({ minutes: shift });
    if (earlier.hour === hour && earlier.minute === minute && earlier.day === at.day) return earlier;
  }
  return at;
}

export interface QuietHours {
  start: string;
  end: string;
}

const minutesOf = (time: string) => {
  const [hour, minute] = time.split(":").map(Number) as [number, number];
  return hour * 60 + minute;
};

/**
 * When a reminder due at `at` may go out: `at` itself, or the end of the patient's quiet hours (local, possibly
 * spanning midnight, e.g. 22:00–08:00) when `at` falls inside them.
 */
export function afterQuietHours(at: Date, timezone: string, quiet: QuietHours | undefined): Date {
  if (!quiet || quiet.start === quiet.end) return at;
  const local = DateTime.fromJSDate(at, { zone: timezone });
  const now = local.hour * 60 + local.minute;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  const inside = start < end ? now >= start && now < end : now >= start || now < end;
  if (!inside) return at;
  const [endHour, endMinute] = quiet.end.split(":").map(Number) as [number, number];
  // The quiet period ends today when we are before its end (the after-midnight part), else tomorrow.
  const endDay = now < end ? local : local.plus({ days: 1 });
  return endDay.set({ hour: endHour, minute: endMinute, second: 0, millisecond: 0 }).toJSDate();
}
