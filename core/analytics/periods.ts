import { DateTime } from "luxon";
import type { Granularity } from "./analytics-schema";

/**
 * The UTC instants of the first and the day after the last calendar day in `timeZone`, and the first day
 * (YYYY-MM-DD) of every period that overlaps them, as Postgres' date_trunc names them (ISO weeks start on Monday).
 */
export function periodsOf(from: string, to: string, granularity: Granularity, timeZone: string) {
  const start = DateTime.fromISO(from, { zone: timeZone }).startOf("day");
  const end = DateTime.fromISO(to, { zone: timeZone }).plus({ days: 1 }).startOf("day");
  const unit = granularity === "week" ? "week" : granularity;
  const starts: string[] = [];
  for (let period = start.startOf(unit); period < end; period = period.plus({ [`${unit}s`]: 1 })) starts.push(period.toISODate()!);
  return { from: start.toJSDate(), to: end.toJSDate(), starts };
}
