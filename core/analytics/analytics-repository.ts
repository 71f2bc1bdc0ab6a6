import { Prisma } from "../db/generated/client";
import type { Db } from "../db/prisma";
import type { Dimension, Granularity } from "./analytics-schema";

/**
 * A range: calendar days `fromDay`…`toDay` (YYYY-MM-DD, both included) in `timeZone`, which are the UTC instants
 * [from, to), cut into periods.
 */
export interface Window {
  fromDay: string;
  toDay: string;
  from: Date;
  to: Date;
  granularity: Granularity;
  timeZone: string;
  /** Slots ending before this are over (no-shows can be told from upcoming ones). */
  now: Date;
}

/** `period` is "total" on the row for the whole range. */
export interface CountRow {
  period: string;
  dimension: "all" | Dimension;
  key: string;
  consultations: number;
  redFlags: number;
  escalations: number;
}
/** A histogram bar holding rank `below`…`upto − 1` (0-based, in order of wait) of a period's `n` first replies. */
export interface FirstReplyRow {
  period: string;
  n: number;
  minutes: number;
  below: number;
  upto: number;
}
export interface CallRow {
  period: string;
  requests: number;
  started: number;
  /** Median and p90 in seconds. */
  wait: [number, number] | null;
}
export interface BookingRow {
  period: string;
  booked: number;
  completed: number;
  noShows: number;
  cancelled: number;
  upcoming: number;
}
/** `doctorId` null: a period's ratings (or the range's, period "total"); else one doctor's over the range ("" = none). */
export interface RatingRow {
  period: string;
  doctorId: string | null;
  name: string | null;
  ratings: number;
  promoters: number;
  detractors: number;
}

// Columns are `timestamp` holding UTC: an ISO string cast to timestamp keeps its UTC wall time.
const at = (date: Date) => Prisma.sql`${date.toISOString()}::timestamp`;
/** The first day of the period `column` falls in, in the requested zone (ISO weeks start on Monday). */
const periodOf = (column: Prisma.Sql, w: Window) =>
  Prisma.sql`to_char(date_trunc(${w.granularity}, (${column} AT TIME ZONE 'UTC') AT TIME ZONE ${w.timeZone}), 'YYYY-MM-DD')`;

const days = (w: Window) => Prisma.sql`"timeZone" = ${w.timeZone} AND day >= ${w.fromDay}::date AND day <= ${w.toDay}::date`;
/** A day's period as a date: sorted and grouped as 4 bytes, named (`label`) only in the result. */
const periodOfDay = (w: Window) => Prisma.sql`date_trunc(${w.granularity}, day::timestamp)::date`;
const label = Prisma.sql`coalesce(to_char(period, 'YYYY-MM-DD'), 'total')`;

/**
 * The SQL behind the analytics screen. Consultations, first replies and ratings are summed from the daily roll-ups
 * (analytics-refresh.ts); video calls and bookings are few and read from their tables, so they are always current.
 */
export class AnalyticsRepository {
  constructor(private readonly db: Db) {}

  refreshedAt(timeZone: string): Promise<Date | null> {
    return this.db.analyticsRefresh.findUnique({ where: { timeZone } }).then((r) => r?.refreshedAt ?? null);
  }

  counts(w: Window): Promise<CountRow[]> {
    return this.db.$queryRaw<CountRow[]>`
      SELECT ${label} AS period, dimension, key, sum(consultations)::int AS consultations,
             sum("redFlags")::int AS "redFlags", sum(escalations)::int AS escalations
      FROM (SELECT ${periodOfDay(w)} AS period, * FROM "AnalyticsDayCount" WHERE ${days(w)}) x
      GROUP BY GROUPING SETS ((period, dimension, key), (dimension, key))`;
  }

  /**
   * Per period and in total, only the histogram bars that hold the ranks ⌊q(n−1)⌋ and ⌈q(n−1)⌉ of the median and
   * p90: one ordered pass, at most four rows a period.
   */
  firstReply(w: Window): Promise<FirstReplyRow[]> {
    return this.db.$queryRaw<FirstReplyRow[]>`
      WITH h AS (
        SELECT period, minutes, sum(count)::int AS c
        FROM (SELECT ${periodOfDay(w)} AS period, minutes, count FROM "AnalyticsDayFirstReply" WHERE ${days(w)}) x
        GROUP BY GROUPING SETS ((period, minutes), (minutes))
      ), cum AS (
        SELECT period, minutes, c, sum(c) OVER (PARTITION BY period ORDER BY minutes) AS upto, sum(c) OVER (PARTITION BY period) AS n FROM h
      )
      SELECT ${label} AS period, n::int AS n, minutes, (upto - c)::int AS below, upto::int AS upto
      FROM cum
      WHERE floor(0.5 * (n - 1)) BETWEEN upto - c AND upto - 1 OR ceil(0.5 * (n - 1)) BETWEEN upto - c AND upto - 1
         OR floor(0.9 * (n - 1)) BETWEEN upto - c AND upto - 1 OR ceil(0.9 * (n - 1)) BETWEEN upto - c AND upto - 1`;
  }

  /** "Video now" requests by request time (booked appointments have their own figures); waits exact, in seconds. */
  calls(w: Window): Promise<CallRow[]> {
    return this.db.$queryRaw<CallRow[]>`
      SELECT coalesce(period, 'total') AS period, count(*)::int AS requests, count(wait)::int AS started,
             percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY wait) AS wait
      FROM (
        SELECT ${periodOf(Prisma.sql`v."requestedAt"`, w)} AS period,
               extract(epoch FROM v."startedAt" - v."requestedAt")::float8 AS wait
        FROM "VideoVisit" v
        WHERE v."appointmentId" IS NULL AND v."requestedAt" >= ${at(w.from)} AND v."requestedAt" < ${at(w.to)}
      ) x
      GROUP BY GROUPING SETS ((period), ())`;
  }

  /** Appointments by their slot's start (a moved booking counts at its current slot). */
  bookings(w: Window): Promise<BookingRow[]> {
    return this.db.$queryRaw<BookingRow[]>`
      SELECT coalesce(period, 'total') AS period, count(*)::int AS booked, count(*) FILTER (WHERE state = 'completed')::int AS completed,
             count(*) FILTER (WHERE state = 'no_show')::int AS "noShows", count(*) FILTER (WHERE state = 'cancelled')::int AS cancelled,
             count(*) FILTER (WHERE state = 'upcoming')::int AS upcoming
      FROM (
        SELECT ${periodOf(Prisma.sql`s."startsAt"`, w)} AS period,
               -- an in-person booking has no VideoVisit: the front desk's mark (attended / no_show) says how it went
               CASE WHEN a.status = 'cancelled' THEN 'cancelled' WHEN a.status = 'attended' THEN 'completed'
                    WHEN a.status = 'no_show' THEN 'no_show' WHEN v."startedAt" IS NOT NULL THEN 'completed'
                    WHEN s."endsAt" <= ${at(w.now)} THEN 'no_show' ELSE 'upcoming' END AS state
        FROM "Appointment" a
        JOIN "VideoSlot" s ON s.id = a."slotId"
        LEFT JOIN "VideoVisit" v ON v."appointmentId" = a.id
        WHERE s."startsAt" >= ${at(w.from)} AND s."startsAt" < ${at(w.to)}
      ) x
      GROUP BY GROUPING SETS ((period), ())`;
  }

  /** Ratings by the day they were given: per period, per doctor and in total. */
  ratings(w: Window): Promise<RatingRow[]> {
    return this.db.$queryRaw<RatingRow[]>`
      SELECT ${label} AS period, x."doctorId", d.name, x.ratings, x.promoters, x.detractors
      FROM (
        SELECT period, "doctorId", coalesce(sum(ratings), 0)::int AS ratings, coalesce(sum(promoters), 0)::int AS promoters,
               coalesce(sum(detractors), 0)::int AS detractors
        FROM (SELECT ${periodOfDay(w)} AS period, * FROM "AnalyticsDayRating" WHERE ${days(w)}) r
        GROUP BY GROUPING SETS ((period), ("doctorId"), ())
      ) x
      LEFT JOIN "Doctor" d ON d.id::text = x."doctorId"`;
  }
}

/**
 * Each consultation's first reply (`first`, by `"consultationId"`): the earliest doctor's message, since
 * Consultation.answeredAt moves with every reply. Shared by the roll-ups and the rota's waits by hour (core/rota).
 */
export const FIRST_DOCTOR_REPLIES = `(SELECT "consultationId", min("createdAt") AS first FROM "Message" WHERE "authorRole" = 'doctor' GROUP BY 1)`;

/** A day in `zone` of a UTC `timestamp` column. */
const dayIn = (column: string) => `((${column} AT TIME ZONE 'UTC') AT TIME ZONE $1)::date`;

/**
 * Rebuilds one time zone's daily roll-ups from the clinical tables in one transaction: readers keep the previous
 * figures until it commits. An advisory lock per zone makes concurrent rebuilds (two api processes, a button
 * pressed twice) wait for each other instead of doing the work twice at once.
 */
export async function rebuildRollups(db: Db, timeZone: string, now: Date): Promise<void> {
  await db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('telecons.analytics.' || ${timeZone}))`;
      await tx.$executeRaw`DELETE FROM "AnalyticsDayCount" WHERE "timeZone" = ${timeZone}`;
      await tx.$executeRaw`DELETE FROM "AnalyticsDayFirstReply" WHERE "timeZone" = ${timeZone}`;
      await tx.$executeRaw`DELETE FROM "AnalyticsDayRating" WHERE "timeZone" = ${timeZone}`;
      await tx.$executeRawUnsafe(
        `INSERT INTO "AnalyticsDayCount"("timeZone", day, dimension, key, consultations, "redFlags", escalations)
         SELECT $1, day,
                CASE WHEN GROUPING(specialty) = 0 THEN 'specialty' WHEN GROUPING(language) = 0 THEN 'language'
                     WHEN GROUPING(channel) = 0 THEN 'channel' WHEN GROUPING(outcome) = 0 THEN 'outcome' ELSE 'all' END,
                coalesce(specialty, language, channel, outcome, ''), count(*), count(*) FILTER (WHERE urgent), count(*) FILTER (WHERE escalated)
         FROM (
           SELECT ${dayIn(`c."createdAt"`)} AS day, c.specialty, p.language, a.channel::text AS channel,
                  coalesce(c.outcome, c.status::text) AS outcome, c.urgent, c."escalatedAt" IS NOT NULL AS escalated
           FROM "Consultation" c
           JOIN "Patient" p ON p.id = c."patientId"
           JOIN "MessengerAccount" a ON a.id = c."accountId"
         ) x
         GROUP BY GROUPING SETS ((day), (day, specialty), (day, language), (day, channel), (day, outcome))`,
        timeZone,
      );
      await tx.$executeRawUnsafe(
        `INSERT INTO "AnalyticsDayFirstReply"("timeZone", day, minutes, count)
         SELECT $1, ${dayIn(`c."createdAt"`)}, round(extract(epoch FROM r.first - c."createdAt") / 60)::int, count(*)
         FROM ${FIRST_DOCTOR_REPLIES} r
         JOIN "Consultation" c ON c.id = r."consultationId"
         GROUP BY 1, 2, 3`,
        timeZone,
      );
      await tx.$executeRawUnsafe(
        `INSERT INTO "AnalyticsDayRating"("timeZone", day, "doctorId", ratings, promoters, detractors)
         SELECT $1, ${dayIn(`r."answeredAt"`)}, coalesce(c."doctorId"::text, ''), count(*),
                count(*) FILTER (WHERE r.answer::int >= 9), count(*) FILTER (WHERE r.answer::int <= 6)
         FROM "ReminderOccurrence" r
         JOIN "Consultation" c ON c.id = r."consultationId"
         WHERE r.kind = 'rating' AND r.status = 'answered' AND r.answer ~ '^([0-9]|10)$'
         GROUP BY 1, 2, 3`,
        timeZone,
      );
      // Fresh statistics, or the planner takes a rebuilt table for empty and sorts on disk.
      await tx.$executeRaw`ANALYZE "AnalyticsDayCount", "AnalyticsDayFirstReply", "AnalyticsDayRating"`;
      await tx.analyticsRefresh.upsert({ where: { timeZone }, create: { timeZone, refreshedAt: now }, update: { refreshedAt: now } });
    },
    // A year of a large clinic takes tens of seconds; the default 5 s would abort it.
    { timeout: 15 * 60_000, maxWait: 15 * 60_000 },
  );
}
