import { randomUUID } from "node:crypto";
import type { Db } from "../../core/db/prisma";

/**
 * A small clinic fortnight with figures worked out by hand (test/analytics.e2e.test.ts lists them), starting on
 * Monday `monday` (YYYY-MM-DD) in Europe/Moscow (UTC+3). The first consultation is at 01:30 Moscow time on that
 * Monday, still Sunday in UTC; one more is at 00:30 on the day after the fortnight, inside it in UTC. Doctors get
 * unique names so the run's shared database cannot confuse them.
 */
export async function seedAnalyticsSample(db: Db, monday: string) {
  const base = Date.parse(`${monday}T00:00:00Z`);
  /** Day `day` of the fortnight (0 = the Monday) at `hh:mm` UTC. */
  const at = (day: number, time: string) => new Date(base + day * 86_400_000 + Date.parse(`1970-01-01T${time}:00Z`));
  const plus = (date: Date, minutes: number) => new Date(date.getTime() + minutes * 60_000);
  const tag = randomUUID().slice(0, 8);
  const doctorA = await db.doctor.create({ data: { name: `Анна Аналитик ${tag}`, specialties: ["gp"], languages: ["ru"] } });
  const doctorB = await db.doctor.create({ data: { name: `Борис Дерматолог ${tag}`, specialties: ["dermatology"], languages: ["ru"] } });

  const patient = async (language: string, channel: "telegram" | "vk" | "web") => {
    const p = await db.patient.create({ data: { language } });
    const account = await db.messengerAccount.create({ data: { channel, externalUserId: `analytics-${randomUUID()}`, chatId: "1", patientId: p.id } });
    return { patientId: p.id, accountId: account.id };
  };
  const consultation = async (c: {
    createdAt: Date;
    specialty: string;
    language: string;
    channel: "telegram" | "vk" | "web";
    doctorId?: string;
    replyAfter?: number;
    status: "new" | "waiting_for_patient" | "closed";
    outcome?: string;
    urgent?: boolean;
    escalated?: boolean;
  }) => {
    const row = await db.consultation.create({
      data: {
        ...(await patient(c.language, c.channel)),
        kind: "async_chat",
        createdAt: c.createdAt,
        specialty: c.specialty,
        status: c.status,
        outcome: c.outcome,
        doctorId: c.doctorId,
        urgent: c.urgent ?? false,
        escalatedAt: c.escalated ? plus(c.createdAt, 120) : null,
      },
    });
    await db.message.create({ data: { consultationId: row.id, authorRole: "patient", text: "жалоба", createdAt: c.createdAt } });
    if (c.replyAfter !== undefined) {
      // A second doctor's message later on: the first reply is the earliest one.
      for (const after of [c.replyAfter + 60, c.replyAfter]) {
        await db.message.create({ data: { consultationId: row.id, authorRole: "doctor", doctorId: c.doctorId, text: "ответ", createdAt: plus(c.createdAt, after) } });
      }
    }
    return row;
  };

  // First replies after 10, 20, 30 (week 1) and 40, 50 (week 2) minutes; one never answered.
  const c1 = await consultation({ createdAt: at(-1, "22:30"), specialty: "gp", language: "ru", channel: "telegram", doctorId: doctorA.id, replyAfter: 10, status: "closed", outcome: "advice_given", urgent: true });
  const c2 = await consultation({ createdAt: at(0, "10:00"), specialty: "gp", language: "uz", channel: "vk", doctorId: doctorA.id, replyAfter: 20, status: "closed", outcome: "in_person_visit" });
  const c3 = await consultation({ createdAt: at(1, "10:00"), specialty: "dermatology", language: "ru", channel: "web", doctorId: doctorB.id, replyAfter: 30, status: "closed", outcome: "advice_given" });
  const c4 = await consultation({ createdAt: at(7, "10:00"), specialty: "cardiology", language: "en", channel: "telegram", doctorId: doctorB.id, replyAfter: 40, status: "waiting_for_patient" });
  const c5 = await consultation({ createdAt: at(8, "10:00"), specialty: "gp", language: "ru", channel: "telegram", doctorId: doctorA.id, replyAfter: 50, status: "closed", outcome: "no_reply" });
  const c6 = await consultation({ createdAt: at(9, "10:00"), specialty: "gp", language: "ru", channel: "vk", status: "new", urgent: true, escalated: true });
  // 00:30 Moscow time on the day after the fortnight: outside it.
  await consultation({ createdAt: at(13, "21:30"), specialty: "psychiatry", language: "ky", channel: "web", status: "new" });

  // "Video now": started after 5 and 15 minutes (week 1); one patient left without a call (week 2).
  const visit = async (data: { requestedAt: Date; startedAt?: Date; appointmentId?: string; consultationId?: string }) => {
    const id = randomUUID();
    const p = await patient("ru", "telegram");
    await db.videoVisit.create({
      data: { id, ...p, ...data, specialty: "gp", language: "ru", room: `visit-${id}`, doctorId: doctorA.id, status: data.startedAt ? "ended" : "left" },
    });
  };
  await visit({ requestedAt: at(1, "10:01"), startedAt: at(1, "10:06"), consultationId: c3.id });
  await visit({ requestedAt: at(2, "12:00"), startedAt: at(2, "12:15") });
  await visit({ requestedAt: at(8, "12:00") });

  // Bookings: held, missed after the doctor opened the call, missed, cancelled, held; one more in `future`.
  const booking = async (startsAt: Date, outcome: "held" | "missed_opened" | "missed" | "cancelled") => {
    const p = await patient("ru", "telegram");
    const slot = await db.videoSlot.create({ data: { doctorId: doctorA.id, specialty: "gp", startsAt, endsAt: plus(startsAt, 20) } });
    const cancelled = outcome === "cancelled";
    const appointment = await db.appointment.create({
      data: { ...p, slotId: slot.id, activeSlotId: cancelled ? null : slot.id, status: cancelled ? "cancelled" : "booked", cancelledAt: cancelled ? startsAt : null },
    });
    if (outcome === "held") await visit({ requestedAt: startsAt, startedAt: plus(startsAt, 2), appointmentId: appointment.id });
    if (outcome === "missed_opened") await visit({ requestedAt: startsAt, appointmentId: appointment.id });
  };
  await booking(at(3, "09:00"), "held");
  await booking(at(4, "09:00"), "missed_opened");
  await booking(at(9, "09:00"), "missed");
  await booking(at(10, "09:00"), "cancelled");
  await booking(at(11, "09:00"), "held");
  // In person at the clinic (no VideoVisit): the front desk marked one attended (week 1), one did not come (week 2).
  await inPersonBooking(db, doctorA.id, await patient("ru", "telegram"), at(2, "09:00"), "attended");
  await inPersonBooking(db, doctorA.id, await patient("ru", "telegram"), at(12, "09:00"), "no_show");

  // Ratings: doctor A 10, 9, 3; doctor B 8, 7; one request never answered.
  const rating = async (consultation: { id: string; patientId: string }, score: number | null, answeredAt: Date) =>
    db.reminderOccurrence.create({
      data: {
        idempotencyKey: `rating-${consultation.id}`,
        kind: "rating",
        patientId: consultation.patientId,
        consultationId: consultation.id,
        dueAt: plus(answeredAt, -60),
        sendAt: plus(answeredAt, -60),
        status: score === null ? "sent" : "answered",
        answer: score === null ? null : String(score),
        answeredAt: score === null ? null : answeredAt,
      },
    });
  await rating(c1, 10, at(1, "12:00"));
  await rating(c2, 9, at(2, "12:00"));
  await rating(c3, 8, at(3, "12:00"));
  await rating(c5, 3, at(9, "12:00"));
  await rating(c4, 7, at(10, "12:00"));
  await rating(c6, null, at(10, "12:00"));
  return { doctorA, doctorB };
}

/** An in-person booking of 20 minutes from `startsAt`, marked as the front desk marks it. */
export async function inPersonBooking(db: Db, doctorId: string, p: { patientId: string; accountId: string }, startsAt: Date, mark: "attended" | "no_show") {
  const slot = await db.videoSlot.create({
    data: { doctorId, specialty: "gp", kind: "in_person", room: "12", address: "ул. Примерная, 1", startsAt, endsAt: new Date(startsAt.getTime() + 20 * 60_000) },
  });
  await db.appointment.create({
    data: { ...p, slotId: slot.id, activeSlotId: slot.id, status: mark, attendedAt: mark === "attended" ? new Date(startsAt.getTime() + 5 * 60_000) : null },
  });
}

/** A doctor and a patient with an account of their own, for the bookings seeded apart from the sample. */
async function doctorAndPatient(db: Db) {
  const doctor = await db.doctor.create({ data: { name: `Upcoming ${randomUUID().slice(0, 8)}`, specialties: ["gp"], languages: ["ru"] } });
  const p = await db.patient.create({ data: { language: "ru" } });
  const account = await db.messengerAccount.create({ data: { channel: "web", externalUserId: `analytics-${randomUUID()}`, chatId: "1", patientId: p.id } });
  return { doctorId: doctor.id, patient: { patientId: p.id, accountId: account.id } };
}

/** A booking in the future, for the upcoming count. */
export async function seedUpcomingBooking(db: Db, startsAt: Date) {
  const { doctorId, patient } = await doctorAndPatient(db);
  const slot = await db.videoSlot.create({ data: { doctorId, specialty: "gp", startsAt, endsAt: new Date(startsAt.getTime() + 20 * 60_000) } });
  await db.appointment.create({ data: { ...patient, slotId: slot.id, activeSlotId: slot.id } });
}

/** An in-person booking from `startsAt`, marked "did not come" (as the front desk may once the slot has started). */
export async function seedInPersonNoShow(db: Db, startsAt: Date) {
  const { doctorId, patient } = await doctorAndPatient(db);
  await inPersonBooking(db, doctorId, patient, startsAt, "no_show");
}
