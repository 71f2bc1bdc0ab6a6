import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { shortId } from "../core/video/short-id";
import { processTick } from "../workers/reminders.worker";
import { maxDriver, onboard, telegramDriver, type MessengerDriver } from "./helpers/channel-drivers";
import { walkIntake } from "./helpers/intake-steps";
import { startHarness, type Harness } from "./helpers/harness";

let h: Harness;
beforeAll(async () => {
  // The scheduler is driven by hand with a pinned clock (in 2027, so the real-time ticks find nothing due).
  // Per-chat spacing is the fan-out test's subject; here it would only make every exchange slower.
  h = await startHarness({ REMINDERS_TICK_MS: "3600000", OUTBOX_RATE_LIMITS: "telegram:30:100,max:30:100" });
});
afterAll(async () => {
  await h?.close();
});

/** The messengers whose reminder buttons these tests press (snooze, taken, follow-up answers, ratings). */
const messengers: Array<[string, (language?: string) => MessengerDriver]> = [
  ["Telegram", (language = "ru") => telegramDriver(h, language)],
  ["MAX", (language = "ru") => maxDriver(h, language)],
];
type Open = (typeof messengers)[number][1];

const buttonsOf = (message: { buttons: Array<{ data?: string }> } | undefined): string[] => message?.buttons.map((b) => b.data!) ?? [];

async function onboardedPatient(open: Open, language = "ru") {
  const patient = open(language);
  await onboard(patient);
  const account = await h.db.messengerAccount.findUniqueOrThrow({
    where: { channel_externalUserId: { channel: patient.channel, externalUserId: patient.externalUserId } },
  });
  const { doctor, apiToken } = await h.newDoctor();
  await h.careOf(doctor.id, account.patientId);
  const api = (method: "GET" | "POST" | "PUT" | "DELETE", url: string, payload?: unknown) =>
    h.app.inject({ method, url: `/api/v1${url}`, headers: { authorization: `Bearer ${apiToken}` }, payload: payload as object });
  return { patient, patientId: account.patientId, api };
}

const texts = (patient: MessengerDriver, fragment: string) => patient.messages().filter((m) => m.text.includes(fragment));
const waitFor = (condition: () => boolean) => expect.poll(condition, { timeout: 10_000, interval: 20 }).toBe(true);

/** Pins the service's clock (buttons use it too) and runs one scheduler pass at that moment. */
const tick = async (at: string) => {
  h.services.reminders.clock = () => new Date(at);
  await processTick(h.services.reminders);
};

/** Other tests' patients share the database, so count this patient's reminders only. */
const count = (patientId: string, status?: "missed") =>
  h.db.reminderOccurrence.count({ where: { patientId, ...(status ? { status } : { outboxId: { not: null } }) } });

describe.each(messengers)("medication reminders on %s", (_messenger, open) => {
  it("sends each dose once at the patient's local time, snoozes, takes, and shows missed doses to the doctor", async () => {
    const { patient, patientId, api } = await onboardedPatient(open);
    const created = await api("POST", `/patients/${patientId}/medication-schedules`, {
      medicine: "Эналаприл",
      dose: "10 мг",
      timesOfDay: ["20:00", "08:00"],
      startDate: "2027-01-15",
      endDate: "2027-01-16",
    });
    expect(created.statusCode).toBe(201);

    // 07:00 in Moscow (UTC+3): the doses of the next 36 h are written, none is due yet.
    await tick("2027-01-15T04:00:00Z");
    await tick("2027-01-15T04:00:00Z");
    expect(await h.db.reminderOccurrence.count({ where: { patientId } })).toBe(3);
    expect(await count(patientId)).toBe(0);

    // 08:00:30 Moscow: the morning dose goes out, once however often the scheduler runs.
    await tick("2027-01-15T05:00:30Z");
    expect(await count(patientId)).toBe(1);
    await tick("2027-01-15T05:00:40Z");
    expect(await count(patientId)).toBe(1);
    await waitFor(() => texts(patient, "Эналаприл").length === 1);
    const morning = texts(patient, "Эналаприл")[0]!;
    expect(morning.text).toBe("💊 Пора принять Эналаприл: 10 мг (приём в 08:00).");
    const [taken, snooze] = buttonsOf(morning);
    expect(taken).toMatch(/^rem:t:/);
    expect(snooze).toMatch(/^rem:s:/);

    await patient.press(snooze!);
    await waitFor(() => texts(patient, "напомню через 15 минут").length === 1);
    await tick("2027-01-15T05:10:00Z");
    expect(await count(patientId)).toBe(1);
    await tick("2027-01-15T05:16:00Z");
    expect(await count(patientId)).toBe(2);
    await waitFor(() => texts(patient, "Эналаприл").length === 2);
    const again = texts(patient, "Эналаприл")[1]!;
    await patient.press(buttonsOf(again)[0]!);
    await waitFor(() => texts(patient, "Отмечено: Эналаприл").length === 1);
    // A second press of the same button changes nothing.
    await patient.press(buttonsOf(again)[0]!);
    await waitFor(() => texts(patient, "уже неактуально").length === 1);

    // 20:00 Moscow: the evening dose; no answer within 120 minutes makes it missed.
    await tick("2027-01-15T17:00:05Z");
    expect(await count(patientId)).toBe(3);
    await tick("2027-01-15T18:59:00Z");
    expect(await count(patientId, "missed")).toBe(0);
    await tick("2027-01-15T19:00:06Z");
    expect(await count(patientId, "missed")).toBe(1);

    const overview = await api("GET", `/patients/${patientId}/reminders`);
    expect(overview.statusCode).toBe(200);
    const body = overview.json();
    expect(body).toMatchObject({ missedDoses: 1, takenDoses: 1 });
    expect(body.occurrences.map((o: { status: string }) => o.status).sort()).toEqual(["missed", "scheduled", "scheduled", "snoozed", "taken"]);
    const audit = await h.db.auditEvent.findFirst({ where: { action: "reminders.read", entityId: patientId } });
    expect(audit).not.toBeNull();
  });

  it("creates a prescription's schedules once however often it is handed over, and refuses bad schedules", async () => {
    const { patientId, api } = await onboardedPatient(open);
    const prescription = {
      id: `rx-${patientId}`,
      patientId,
      items: [
        { medicine: "Амлодипин", dose: "5 мг", timesOfDay: ["09:00"], startDate: "2027-02-01", endDate: "2027-02-10" },
        { medicine: "Аторвастатин", dose: "20 мг", timesOfDay: ["21:00"], startDate: "2027-02-01", endDate: "2027-03-01" },
      ],
    };
    const first = await api("POST", "/prescriptions/medication-schedules", prescription);
    const second = await api("POST", "/prescriptions/medication-schedules", prescription);
    expect(first.statusCode).toBe(201);
    expect(second.json().schedules.map((s: { id: string }) => s.id)).toEqual(first.json().schedules.map((s: { id: string }) => s.id));
    expect(await h.db.medicationSchedule.count({ where: { patientId } })).toBe(2);

    const bad = await api("POST", `/patients/${patientId}/medication-schedules`, {
      medicine: "X",
      dose: "1",
      timesOfDay: ["25:00"],
      startDate: "2027-02-10",
      endDate: "2027-02-01",
      timezone: "Mars/Olympus",
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe("validation");
  });
});

/** A video slot at `startsAt` published by a new doctor, booked by the patient with the bot's button (which creates its reminders). */
async function bookSlot(patient: MessengerDriver, startsAt: string) {
  const specialty = `r${randomUUID().slice(0, 8)}`;
  const { apiToken } = await h.services.doctors.create({ name: "Slot doctor", specialties: [specialty], languages: ["ru", "en"] });
  const endsAt = new Date(Date.parse(startsAt) + 30 * 60_000).toISOString();
  const slot = await h.app.inject({ method: "POST", url: "/api/v1/video/slots", headers: { authorization: `Bearer ${apiToken}` }, payload: { specialty, startsAt, endsAt } });
  await patient.press(`video:book:${shortId(slot.json().id)}`);
  return h.db.appointment.findFirstOrThrow({ where: { activeSlotId: slot.json().id } });
}

describe.each(messengers)("appointment reminders and quiet hours on %s", (_messenger, open) => {
  it("reminds 24 h and 1 h before, postponing a reminder that falls in quiet hours to their end", async () => {
    const { patient, patientId, api } = await onboardedPatient(open, "en");
    expect((await api("PUT", `/patients/${patientId}/quiet-hours`, { start: "22:00", end: "09:00" })).statusCode).toBe(204);
    // 09:30 Moscow on 17 January: booking it creates both reminders.
    h.services.reminders.clock = () => new Date("2027-01-10T00:00:00Z");
    const appointment = await bookSlot(patient, "2027-01-17T06:30:00Z");
    expect(await h.db.reminderOccurrence.count({ where: { refId: appointment.id, status: "scheduled" } })).toBe(2);

    await tick("2027-01-16T06:30:01Z");
    expect(await count(patientId)).toBe(1);
    await waitFor(() => texts(patient, "tomorrow").length === 1);
    expect(texts(patient, "tomorrow")[0]!.text).toBe(
      "Reminder: your appointment with the doctor is tomorrow, January 17, 2027, at 09:30.",
    );
    // 08:30 Moscow is inside 22:00–09:00: held until 09:00 (06:00Z), still before the appointment.
    await tick("2027-01-17T05:30:01Z");
    expect(await count(patientId)).toBe(1);
    await tick("2027-01-17T05:59:00Z");
    expect(await count(patientId)).toBe(1);
    await tick("2027-01-17T06:00:01Z");
    expect(await count(patientId)).toBe(2);
    await waitFor(() => texts(patient, "in one hour").length === 1);
  });
});

describe.each(messengers)("follow-ups and ratings on %s", (_messenger, open) => {
  it("asks the doctor's follow-up question and attaches the answer to the consultation", async () => {
    const { patient, patientId, api } = await onboardedPatient(open);
    await walkIntake(patient, "Давление 150/95 по утрам");
    const consultation = await h.db.consultation.findFirstOrThrow({ where: { patientId, status: { not: "closed" } } });
    // A follow-up question is the consultation's own doctor's.
    expect((await api("POST", `/consultations/${consultation.id}/take`)).statusCode).toBe(204);
    const scheduled = await api("POST", `/consultations/${consultation.id}/follow-ups`, {
      question: "Как давление через неделю?",
      dueAt: "2027-01-22T06:00:00Z",
    });
    expect(scheduled.statusCode).toBe(201);
    await tick("2027-01-22T05:59:00Z");
    expect(await count(patientId)).toBe(0);
    await tick("2027-01-22T06:00:00Z");
    expect(await count(patientId)).toBe(1);
    await waitFor(() => texts(patient, "Как давление через неделю?").length === 1);
    const ask = texts(patient, "Как давление через неделю?")[0]!;
    expect(buttonsOf(ask).map((b) => b.split(":").at(-1))).toEqual(["better", "same", "worse"]);
    await patient.press(buttonsOf(ask)[0]!);
    await waitFor(() => texts(patient, "ответ передан врачу").length === 1);
    const thread = await api("GET", `/consultations/${consultation.id}`);
    expect(thread.json().messages.at(-1)).toMatchObject({
      authorRole: "patient",
      text: "Ответ на вопрос врача «Как давление через неделю?»: Лучше",
    });
  });

  it("asks to rate a closed consultation 0–10 once and records the score; someone else's button does nothing", async () => {
    const { patient, patientId } = await onboardedPatient(open);
    await walkIntake(patient, "Болит голова");
    const consultation = await h.db.consultation.findFirstOrThrow({ where: { patientId } });
    await h.db.consultation.update({
      where: { id: consultation.id },
      data: { status: "closed", closedAt: new Date("2027-01-20T10:00:00Z") },
    });
    await tick("2027-01-20T10:05:00Z");
    await tick("2027-01-20T10:06:00Z");
    await waitFor(() => texts(patient, "Оцените её").length === 1);
    const ask = texts(patient, "Оцените её")[0]!;
    expect(buttonsOf(ask).map((b) => b.split(":").at(-1))).toEqual(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]);

    const stranger = open();
    await onboard(stranger);
    await stranger.press(buttonsOf(ask)[9]!);
    await waitFor(() => texts(stranger, "уже неактуально").length === 1);

    await patient.press(buttonsOf(ask)[9]!);
    await waitFor(() => texts(patient, "Спасибо за оценку").length === 1);
    const row = await h.db.reminderOccurrence.findUniqueOrThrow({ where: { idempotencyKey: `rating-${consultation.id}` } });
    expect(row).toMatchObject({ status: "answered", answer: "9" });
    expect(texts(patient, "Оцените её")).toHaveLength(1);
  });
});
