import type { Db } from "../db/prisma";

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
      // The first reply is the earliest doctor's message (Consultation.answeredAt moves with every reply).
      await tx.$executeRawUnsafe(
        `INSERT INTO "AnalyticsDayFirstReply"("timeZone", day, minutes, count)
         SELECT $1, ${dayIn(`c."createdAt"`)}, round(extract(epoch FROM r.first - c."createdAt") / 60)::int, count(*)
         FROM (SELECT "consultationId", min("createdAt") AS first FROM "Message" WHERE "authorRole" = 'doctor' GROUP BY 1) r
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
