import { IANAZone } from "luxon";
import { z } from "zod";

export const granularities = ["day", "week", "month"] as const;
export type Granularity = (typeof granularities)[number];
/** Consultations are counted by these, each an array of { key, count } (outcome: the status while still open). */
export const dimensions = ["specialty", "language", "channel", "outcome"] as const;
export type Dimension = (typeof dimensions)[number];

/** Two years of days is 731 points: enough for any screen, and it keeps one request's work bounded. */
const MAX_DAYS = 731;
const isoDate = z.iso.date({ message: "a date as YYYY-MM-DD" });
const timeZone = z
  .string()
  .default("Europe/Moscow")
  .refine((zone) => IANAZone.isValidZone(zone), { message: "timeZone must be an IANA time zone such as Europe/Moscow" });

/** `from` and `to` are calendar days in `timeZone`, both included; periods are cut in that zone (weeks start on Monday). */
export const analyticsQuerySchema = z
  .object({
    from: isoDate,
    to: isoDate,
    granularity: z.enum(granularities, { message: "granularity must be day, week or month" }).default("day"),
    timeZone,
  })
  .refine((q) => q.from <= q.to, { message: "from must not be after to", path: ["from"] })
  .refine((q) => (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000 < MAX_DAYS, {
    message: `the range may span at most ${MAX_DAYS} days`,
    path: ["to"],
  });
export type AnalyticsQuery = z.infer<typeof analyticsQuerySchema>;

export const refreshQuerySchema = z.object({ timeZone });

const count = z.number().int().nonnegative();
/** Seconds; null when nothing was measured. Median and p90 interpolate linearly between ranks, as percentile_cont. */
const waitSchema = z.object({ count, medianSeconds: z.number().nullable(), p90Seconds: z.number().nullable() });
/** NPS = % promoters (9–10) − % detractors (0–6), one decimal; null without ratings. */
export const npsSchema = z.object({ ratings: count, promoters: count, passives: count, detractors: count, nps: z.number().nullable() });
/**
 * Bookings by their slot's time: `completed` = the call started (patient and doctor both in the room), or an in-person
 * visit marked attended; `noShows` = marked "did not come", or the slot is over and the call never started;
 * `upcoming` = neither, and not over yet; `conversion` = completed ÷ (booked − upcoming).
 */
const bookingsSchema = z.object({ booked: count, completed: count, noShows: count, cancelled: count, upcoming: count, conversion: z.number().nullable() });

export const figuresSchema = z.object({
  consultations: count,
  /** From the consultation's creation to the first doctor's message, to the minute (the daily roll-ups keep minutes). */
  firstReply: waitSchema,
  /** "Video now": from the request to the call's start; `requests` counts them all, `count` those that started. */
  call: waitSchema.extend({ requests: count }),
  /** Consultations a red flag made urgent. */
  redFlags: count,
  /** Consultations that waited past their limit and were escalated to operators. */
  escalations: count,
  bookings: bookingsSchema,
  ratings: npsSchema,
});
export type Figures = z.infer<typeof figuresSchema>;

export const analyticsSchema = z.object({
  from: z.string(),
  to: z.string(),
  granularity: z.enum(granularities),
  timeZone: z.string(),
  /** When the roll-ups (consultations, first replies, ratings) were rebuilt; calls and bookings are read live. */
  refreshedAt: z.string(),
  /** Every period of the range in order, empty ones included; `start` is its first day (YYYY-MM-DD). */
  periods: z.array(figuresSchema.extend({ start: z.string() })),
  total: figuresSchema,
  /** Per dimension, keys by total count; `byPeriod[i]` belongs to `periods[i]`. */
  groups: z.record(z.enum(dimensions), z.array(z.object({ key: z.string(), count, byPeriod: z.array(count) }))),
  /** Ratings given in the range, by the consultation's doctor (null: closed without a doctor). */
  doctors: z.array(npsSchema.extend({ doctorId: z.string().nullable(), name: z.string().nullable() })),
});
export type Analytics = z.infer<typeof analyticsSchema>;
