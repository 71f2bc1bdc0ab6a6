import { MOSCOW_TIME_ZONE as clinicTimeZone } from "../../core/rota/moscow-time";

export { addDays, HOUR_MS } from "../../core/rota/moscow-time";

/**
 * The clinic plans its rota in Moscow time whatever the browser's zone (api: `timeZone: "Europe/Moscow"`). Moscow has
 * kept UTC+3 all year since 2014, so a wall-clock time typed into a form converts with a fixed offset.
 */
const clinicOffset = "+03:00";

/** The clinic's calendar date of an instant: "2026-03-03". */
export const clinicDate = (at: string | number | Date) => new Date(at).toLocaleDateString("sv-SE", { timeZone: clinicTimeZone });

/** An instant as a `datetime-local` value on the clinic's wall clock: "2026-03-03T22:00". */
export const clinicInput = (iso: string) =>
  new Date(iso).toLocaleString("sv-SE", { timeZone: clinicTimeZone, hourCycle: "h23" }).replace(" ", "T").slice(0, 16);

/** A `datetime-local` value read as the clinic's wall clock, as an ISO instant. */
export const fromClinicInput = (local: string) => new Date(`${local}:00${clinicOffset}`).toISOString();

/** "03:00" on the clinic's clock. */
export const clinicHour = (iso: string) => new Date(iso).toLocaleTimeString("ru-RU", { timeZone: clinicTimeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

/** "Tue 3 Mar" / "вт, 3 мар." on the clinic's calendar, in the console's language. */
export const clinicDay = (iso: string, language: string) =>
  new Date(iso).toLocaleDateString(language, { timeZone: clinicTimeZone, weekday: "short", day: "numeric", month: "short" });
