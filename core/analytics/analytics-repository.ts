import { Prisma } from "../db/generated/client";
import type { Db } from "../db/prisma";
import type { Dimension, Granularity } from "./analytics-schema";

/** A half-open UTC range [from, to) and how to cut it into periods. */
export interface Window {
  from: Date;
  to: Date;
  granularity: Granularity;
  timeZone: string;
  /** Slots ending before this are over (no-shows can be told from upcoming ones). */
  now: Date;
}

/** `period` is null on the row for the whole range (GROUPING SETS). Waits in seconds. */
export interface ConsultationRow {
  period: string | null;
  consultations: number;
  redFlags: number;
  escalations: number;
  replied: number;
  reply: [number, number] | null;
}
export interface CallRow {
  period: string | null;
  requests: number;
  started: number;
  wait: [number, number] | null;
}
export interface BookingRow {
  period: string | null;
  booked: number;
  completed: number;
  noShows: number;
  cancelled: number;
  upcoming: number;
}
/** `byDoctor` false: a period's (or, with period null, the range's) ratings; true: one doctor's over the range. */
export interface RatingRow {
  period: string | null;
  byDoctor: boolean;
  doctorId: string | null;
  name: string | null;
  ratings: number;
  promoters: number;
  detractors: number;
}
export interface GroupRow {
  period: string;
  dimension: Dimension;
  key: string;
  count: number;
}

// Columns are `timestamp` holding UTC: an ISO string cast to timestamp keeps its UTC wall time.
const at = (date: Date) => Prisma.sql`${date.toISOString()}::timestamp`;
/** The first day of the period `column` falls in, in the clinic's zone (ISO weeks start on Monday). */
const periodOf = (column: Prisma.Sql, w: Window) =>
  Prisma.sql`to_char(date_trunc(${w.granularity}, (${column} AT TIME ZONE 'UTC') AT TIME ZONE ${w.timeZone}), 'YYYY-MM-DD')`;

/** The SQL behind the analytics screen: each query one pass over its table for the range, grouped by period and in total. */
export class AnalyticsRepository {
  constructor(private readonly db: Db) {}

  /** Consultations by creation time; the first reply is the earliest doctor's message (a partial index serves it). */
  consultations(w: Window): Promise<ConsultationRow[]> {
    return this.db.$queryRaw<ConsultationRow[]>`
      SELECT period, count(*)::int AS consultations, count(*) FILTER (WHERE urgent)::int AS "redFlags",
             count(*) FILTER (WHERE escalated)::int AS escalations, count(reply)::int AS replied,
             percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY reply) AS reply
      FROM (
        SELECT ${periodOf(Prisma.sql`c."createdAt"`, w)} AS period, c.urgent, c."escalatedAt" IS NOT NULL AS escalated,
               extract(epoch FROM (SELECT min(m."createdAt") FROM "Message" m
                                   WHERE m."consultationId" = c.id AND m."authorRole" = 'doctor') - c."createdAt")::float8 AS reply
        FROM "Consultation" c
        WHERE c."createdAt" >= ${at(w.from)} AND c."createdAt" < ${at(w.to)}
      ) x
      GROUP BY GROUPING SETS ((period), ())`;
  }

  /** Consultations per period by specialty, the patient's language, the channel, and the outcome (the status while open). */
  groups(w: Window): Promise<GroupRow[]> {
    return this.db.$queryRaw<GroupRow[]>`
      SELECT period, CASE WHEN GROUPING(specialty) = 0 THEN 'specialty' WHEN GROUPING(language) = 0 THEN 'language'
                          WHEN GROUPING(channel) = 0 THEN 'channel' ELSE 'outcome' END AS dimension,
             coalesce(specialty, language, channel, outcome) AS key, count(*)::int AS count
      FROM (
        SELECT ${periodOf(Prisma.sql`c."createdAt"`, w)} AS period, c.specialty, p.language, a.channel::text AS channel,
               coalesce(c.outcome, c.status::text) AS outcome
        FROM "Consultation" c
        JOIN "Patient" p ON p.id = c."patientId"
        JOIN "MessengerAccount" a ON a.id = c."accountId"
        WHERE c."createdAt" >= ${at(w.from)} AND c."createdAt" < ${at(w.to)}
      ) x
      GROUP BY GROUPING SETS ((period, specialty), (period, language), (period, channel), (period, outcome))`;
  }

  /** "Video now" requests by request time (booked appointments have their own figures). */
  calls(w: Window): Promise<CallRow[]> {
    return this.db.$queryRaw<CallRow[]>`
      SELECT period, count(*)::int AS requests, count(wait)::int AS started,
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
      SELECT period, count(*)::int AS booked, count(*) FILTER (WHERE state = 'completed')::int AS completed,
             count(*) FILTER (WHERE state = 'no_show')::int AS "noShows", count(*) FILTER (WHERE state = 'cancelled')::int AS cancelled,
             count(*) FILTER (WHERE state = 'upcoming')::int AS upcoming
      FROM (
        SELECT ${periodOf(Prisma.sql`s."startsAt"`, w)} AS period,
               CASE WHEN a.status = 'cancelled' THEN 'cancelled' WHEN v."startedAt" IS NOT NULL THEN 'completed'
                    WHEN s."endsAt" <= ${at(w.now)} THEN 'no_show' ELSE 'upcoming' END AS state
        FROM "Appointment" a
        JOIN "VideoSlot" s ON s.id = a."slotId"
        LEFT JOIN "VideoVisit" v ON v."appointmentId" = a.id
        WHERE s."startsAt" >= ${at(w.from)} AND s."startsAt" < ${at(w.to)}
      ) x
      GROUP BY GROUPING SETS ((period), ())`;
  }

  /** Ratings (0–10 answers to the rating request) by the time they were given. */
  ratings(w: Window): Promise<RatingRow[]> {
    return this.db.$queryRaw<RatingRow[]>`
      SELECT period, GROUPING(period) = 1 AND GROUPING("doctorId") = 0 AS "byDoctor", "doctorId", max(name) AS name,
             count(*)::int AS ratings, count(*) FILTER (WHERE score >= 9)::int AS promoters,
             count(*) FILTER (WHERE score <= 6)::int AS detractors
      FROM (
        SELECT ${periodOf(Prisma.sql`r."answeredAt"`, w)} AS period, c."doctorId"::text AS "doctorId", d.name, r.answer::int AS score
        FROM "ReminderOccurrence" r
        JOIN "Consultation" c ON c.id = r."consultationId"
        LEFT JOIN "Doctor" d ON d.id = c."doctorId"
        WHERE r.kind = 'rating' AND r.status = 'answered' AND r.answer ~ '^([0-9]|10)$'
          AND r."answeredAt" >= ${at(w.from)} AND r."answeredAt" < ${at(w.to)}
      ) x
      GROUP BY GROUPING SETS ((period), ("doctorId"), ())`;
  }
}
