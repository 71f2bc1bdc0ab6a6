import pg from "pg";

/**
 * Fills a database with a year of clinic activity ending at `until`, set-based (generate_series), in proportions
 * seen in a small clinic: 2.5 consultations per patient; 90 % answered by a doctor (log-normal wait, median ≈ 20 min);
 * two or three messages each; 3 % urgent (a red flag) and 5 % escalated; 8 % video now, 5 % booked appointments
 * (8 % cancelled, 80 % of the rest held); half the closed consultations asked for a rating, 45 % of those answered.
 */
export async function fillClinicYear(databaseUrl: string, consultations: number, until: Date): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const patients = Math.max(1, Math.round(consultations / 2.5));
  const to = until.toISOString();
  try {
    await client.query("SELECT setseed(0.19)");
    await client.query(`
      CREATE TEMP TABLE d AS
      SELECT i, gen_random_uuid() AS id, (ARRAY['gp','pediatrics','dermatology','cardiology','neurology','endocrinology','gynecology','psychiatry'])[1 + (i - 1) % 8] AS specialty
      FROM generate_series(1, 40) i`);
    await client.query(`INSERT INTO "Doctor"(id, name, specialties, languages) SELECT id, 'Doctor ' || i, ARRAY[specialty], ARRAY['ru'] FROM d`);
    await client.query(`
      CREATE TEMP TABLE p AS
      SELECT i, gen_random_uuid() AS id, gen_random_uuid() AS account_id, random() AS r1, random() AS r2 FROM generate_series(1, ${patients}) i`);
    await client.query(`
      INSERT INTO "Patient"(id, language)
      SELECT id, CASE WHEN r1 < .70 THEN 'ru' WHEN r1 < .80 THEN 'uz' WHEN r1 < .85 THEN 'en' WHEN r1 < .90 THEN 'tg' WHEN r1 < .95 THEN 'ky' ELSE 'az' END FROM p`);
    await client.query(`
      INSERT INTO "MessengerAccount"(id, channel, "externalUserId", "chatId", "patientId")
      SELECT account_id, (CASE WHEN r2 < .55 THEN 'telegram' WHEN r2 < .75 THEN 'vk' ELSE 'web' END)::"ChannelName", 'bench-' || i, i::text, id FROM p`);
    // One row per consultation with every random draw it needs; the tables below are cut from it.
    await client.query(`
      CREATE TEMP TABLE c AS
      SELECT s.*,
             created + make_interval(secs => exp(ln(1200) + 1.1 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))) AS first_reply
      FROM (
        SELECT i, gen_random_uuid() AS id, 1 + floor(random() * ${patients})::int AS p,
               timestamp '${to}' - random() * interval '365 days' AS created,
               random() AS r_spec, floor(random() * 5)::int AS d_pick, random() AS r_reply, random() AS r_status,
               random() AS r_out, random() AS r_flag, random() AS r_video, random() AS r_rating, random() AS r_score
        FROM generate_series(1, ${consultations}) i
      ) s`);
    await client.query(`
      ALTER TABLE c ADD COLUMN spec int, ADD COLUMN replied boolean, ADD COLUMN closed boolean, ADD COLUMN outcome text;
      UPDATE c SET spec = CASE WHEN r_spec < .40 THEN 1 WHEN r_spec < .55 THEN 2 WHEN r_spec < .67 THEN 3 WHEN r_spec < .75 THEN 4
                               WHEN r_spec < .82 THEN 5 WHEN r_spec < .88 THEN 6 WHEN r_spec < .95 THEN 7 ELSE 8 END,
                   replied = r_reply < .9 AND first_reply < timestamp '${to}',
                   closed = r_status < .9 AND created < timestamp '${to}' - interval '2 days';
      UPDATE c SET outcome = CASE WHEN NOT closed THEN NULL WHEN NOT replied THEN 'no_reply'
                                  WHEN r_out < .62 THEN 'advice_given' WHEN r_out < .84 THEN 'in_person_visit' WHEN r_out < .87 THEN 'emergency_referral'
                                  WHEN r_out < .93 THEN 'no_reply' WHEN r_out < .97 THEN 'duplicate' ELSE 'spam' END;
      ANALYZE c`);
    await client.query(`
      INSERT INTO "Consultation"(id, "patientId", "doctorId", "accountId", kind, status, "createdAt", "takenAt", "answeredAt", "closedAt",
                                 "updatedAt", urgent, specialty, "escalatedAt", outcome)
      SELECT c.id, p.id, CASE WHEN replied THEN d.id END, p.account_id, 'async_chat'::"ConsultationKind",
             (CASE WHEN closed THEN 'closed' WHEN replied THEN 'waiting_for_patient' ELSE 'new' END)::"ConsultationStatus",
             created, CASE WHEN replied THEN first_reply END, CASE WHEN replied THEN first_reply END,
             CASE WHEN closed THEN greatest(created, first_reply) + interval '1 hour' END, created,
             r_flag < .03, d.specialty, CASE WHEN r_flag > .95 THEN created + interval '2 hours' END, outcome
      FROM c JOIN p ON p.i = c.p JOIN d ON d.i = c.spec + 8 * c.d_pick`);
    await client.query(`
      INSERT INTO "Message"(id, "consultationId", "authorRole", text, "createdAt")
      SELECT gen_random_uuid(), id, 'patient'::"AuthorRole", 'complaint', created FROM c
      UNION ALL SELECT gen_random_uuid(), id, 'doctor', 'reply', first_reply FROM c WHERE replied
      UNION ALL SELECT gen_random_uuid(), id, 'patient', 'answer', first_reply + interval '10 minutes' FROM c WHERE replied AND r_status < .5
      UNION ALL SELECT gen_random_uuid(), id, 'doctor', 'advice', first_reply + interval '25 minutes' FROM c WHERE replied AND r_status < .4`);
    await client.query(`
      INSERT INTO "Intake"(id, "patientId", "accountId", step, complaint, "redFlags", urgent, "consultationId", "updatedAt")
      SELECT gen_random_uuid(), p.id, p.account_id, 'done', 'complaint',
             CASE WHEN r_flag < .02 THEN ARRAY['chest_pain_breathless'] WHEN r_flag < .03 THEN ARRAY['very_high_fever'] ELSE ARRAY[]::text[] END,
             r_flag < .03, c.id, created
      FROM c JOIN p ON p.i = c.p WHERE r_reply < .7 OR r_flag < .03`);
    // Video now: asked a minute after the question, started after a log-normal wait (median ≈ 6 min) or left.
    await client.query(`
      INSERT INTO "VideoVisit"(id, "patientId", "accountId", "consultationId", specialty, language, status, room, "doctorId",
                               "requestedAt", "acceptedAt", "startedAt", "endedAt", "durationSeconds")
      SELECT c.visit_id, p.id, p.account_id, c.id, d.specialty, 'ru', (CASE WHEN r_video < .07 THEN 'ended' ELSE 'left' END)::"VideoVisitStatus",
             'visit-' || c.visit_id, d.id, requested, CASE WHEN r_video < .07 THEN started END, CASE WHEN r_video < .07 THEN started END,
             CASE WHEN r_video < .07 THEN started + interval '14 minutes' ELSE requested + interval '20 minutes' END,
             CASE WHEN r_video < .07 THEN 840 END
      FROM (SELECT c.*, gen_random_uuid() AS visit_id, created + interval '1 minute' AS requested,
                   created + interval '1 minute' + make_interval(secs => exp(ln(360) + 0.8 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))) AS started
            FROM c WHERE r_video < .08) c
      JOIN p ON p.i = c.p JOIN d ON d.i = c.spec + 8 * c.d_pick`);
    // Booked appointments: a slot one to seven days after the question; cancelled, held (a call that started) or missed.
    await client.query(`
      CREATE TEMP TABLE a AS
      SELECT c.*, gen_random_uuid() AS slot_id, gen_random_uuid() AS appointment_id, gen_random_uuid() AS visit_id,
             date_trunc('hour', created) + (1 + floor(random() * 7)) * interval '1 day' AS starts, random() AS r_show
      FROM c WHERE r_video >= .08 AND r_video < .13`);
    await client.query(`
      INSERT INTO "VideoSlot"(id, "doctorId", specialty, "startsAt", "endsAt", "createdAt")
      SELECT slot_id, d.id, d.specialty, starts, starts + interval '20 minutes', created FROM a JOIN d ON d.i = a.spec + 8 * a.d_pick`);
    await client.query(`
      INSERT INTO "Appointment"(id, "patientId", "accountId", "slotId", "activeSlotId", status, "createdAt", "cancelledAt")
      SELECT appointment_id, p.id, p.account_id, slot_id, CASE WHEN r_show >= .08 THEN slot_id END,
             CASE WHEN r_show < .08 THEN 'cancelled' ELSE 'booked' END, created, CASE WHEN r_show < .08 THEN created + interval '1 day' END
      FROM a JOIN p ON p.i = a.p`);
    await client.query(`
      INSERT INTO "VideoVisit"(id, "patientId", "accountId", "appointmentId", specialty, language, status, room, "doctorId",
                               "requestedAt", "acceptedAt", "startedAt", "endedAt", "durationSeconds")
      SELECT visit_id, p.id, p.account_id, appointment_id, d.specialty, 'ru', (CASE WHEN r_show < .82 THEN 'ended' ELSE 'accepted' END)::"VideoVisitStatus",
             'visit-' || visit_id, d.id, starts, starts, CASE WHEN r_show < .82 THEN starts + interval '2 minutes' END,
             CASE WHEN r_show < .82 THEN starts + interval '17 minutes' END, CASE WHEN r_show < .82 THEN 900 END
      FROM a JOIN p ON p.i = a.p JOIN d ON d.i = a.spec + 8 * a.d_pick
      WHERE r_show >= .08 AND r_show < .95 AND starts < timestamp '${to}'`);
    // Ratings, skewed high as they are: 55 % promoters, 25 % passives, 20 % detractors.
    await client.query(`
      INSERT INTO "ReminderOccurrence"(id, "idempotencyKey", kind, "patientId", "consultationId", payload, "dueAt", "sendAt", status,
                                       "sentAt", "answeredAt", answer)
      SELECT gen_random_uuid(), 'rating-' || c.id, 'rating'::"ReminderKind", p.id, c.id, '{}', closed_at, closed_at,
             (CASE WHEN r_rating < .225 THEN 'answered' ELSE 'sent' END)::"ReminderStatus", closed_at,
             CASE WHEN r_rating < .225 THEN closed_at + interval '3 hours' END,
             CASE WHEN r_rating < .225 THEN (CASE WHEN r_score < .55 THEN 9 + floor(r_score * 3.6)::int % 2
                                                  WHEN r_score < .80 THEN 7 + floor(r_score * 10)::int % 2
                                                  ELSE floor(r_score * 35)::int % 7 END)::text END
      FROM (SELECT c.*, greatest(created, first_reply) + interval '1 hour' AS closed_at FROM c WHERE closed AND r_rating < .5) c
      JOIN p ON p.i = c.p`);
    await client.query("ANALYZE");
  } finally {
    await client.end();
  }
}
