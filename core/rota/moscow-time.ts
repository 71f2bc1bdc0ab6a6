/**
 * The clinic plans in Moscow time. Moscow has kept UTC+3 all year since 2014 (no DST), so a fixed offset is exact
 * and does not depend on the process's TZ or on the tz database the runtime ships.
 */
export const MOSCOW_TIME_ZONE = "Europe/Moscow";
const OFFSET_MS = 3 * 3600_000;
export const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

/** The instant Moscow's calendar day `day` (YYYY-MM-DD) begins. */
export function moscowMidnight(day: string): Date {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d) - OFFSET_MS);
}

/** Moscow's calendar day (YYYY-MM-DD) at `at`. */
export function moscowDay(at: Date): string {
  return new Date(at.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** Minutes since Moscow midnight at `at` (0–1439). */
export function moscowMinuteOfDay(at: Date): number {
  return Math.floor((((at.getTime() + OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS / 60_000);
}

/** The start of the Moscow hour `at` falls in (Moscow hours are UTC hours, the offset being whole). */
export function startOfHour(at: Date): Date {
  return new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS);
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}
