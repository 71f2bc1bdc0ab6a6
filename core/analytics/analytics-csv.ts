import type { Analytics, Figures } from "./analytics-schema";

/** One column per figure, in this order; waits in minutes (one decimal), shares in percent. */
const columns: Array<[string, (f: Figures) => number | null]> = [
  ["consultations", (f) => f.consultations],
  ["first_reply_count", (f) => f.firstReply.count],
  ["first_reply_median_min", (f) => minutes(f.firstReply.medianSeconds)],
  ["first_reply_p90_min", (f) => minutes(f.firstReply.p90Seconds)],
  ["video_requests", (f) => f.call.requests],
  ["calls_started", (f) => f.call.count],
  ["call_wait_median_min", (f) => minutes(f.call.medianSeconds)],
  ["call_wait_p90_min", (f) => minutes(f.call.p90Seconds)],
  ["red_flags", (f) => f.redFlags],
  ["escalations", (f) => f.escalations],
  ["bookings", (f) => f.bookings.booked],
  ["bookings_completed", (f) => f.bookings.completed],
  ["no_shows", (f) => f.bookings.noShows],
  ["bookings_cancelled", (f) => f.bookings.cancelled],
  ["bookings_upcoming", (f) => f.bookings.upcoming],
  ["booking_conversion_pct", (f) => f.bookings.conversion],
  ["ratings", (f) => f.ratings.ratings],
  ["promoters", (f) => f.ratings.promoters],
  ["passives", (f) => f.ratings.passives],
  ["detractors", (f) => f.ratings.detractors],
  ["nps", (f) => f.ratings.nps],
];

const minutes = (seconds: number | null) => (seconds === null ? null : Math.round(seconds / 6) / 10);

/** One row per period and a `total` row (RFC 4180, comma-separated; an empty cell where nothing was measured). */
export function analyticsCsv(report: Analytics): string {
  const line = (first: string, f: Figures) => [first, ...columns.map(([, value]) => value(f) ?? "")].join(",");
  return [
    ["period_start", ...columns.map(([name]) => name)].join(","),
    ...report.periods.map((p) => line(p.start, p)),
    line("total", report.total),
    "",
  ].join("\r\n");
}
