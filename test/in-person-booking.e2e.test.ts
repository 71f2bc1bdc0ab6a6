import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { totpCode } from "../core/staff/totp";
import { shortId } from "../core/video/short-id";
import { formatWhen } from "../core/video/video-buttons";
import { processTick } from "../workers/reminders.worker";
import { maxDriver, onboard, telegramDriver, type MessengerDriver } from "./helpers/channel-drivers";
import { walkIntake } from "./helpers/intake-steps";
import { startHarness, type Harness } from "./helpers/harness";
import { TestPki } from "./helpers/test-pki";

let h: Harness;
let pki: TestPki;
beforeAll(async () => {
  pki = new TestPki();
  // The reminder scheduler is driven by hand with a pinned clock (in 2027, so the real-time ticks find nothing due).
  h = await startHarness({ REMINDERS_TICK_MS: "3600000", DOCTOR_CERTS_DIR: pki.certsDir, DOCTOR_CERTS_PASSWORD: pki.password });
});
afterAll(async () => {
  await h?.close();
});

/** The messengers whose booking dialogue these tests drive (slot lists and moves are buttons with payloads). */
const messengers: Array<[string, (language: string) => MessengerDriver]> = [
  ["Telegram", (language) => telegramDriver(h, language)],
  ["MAX", (language) => maxDriver(h, language)],
];

const texts = (patient: MessengerDriver) => patient.texts();
const waitText = (patient: MessengerDriver, fragment: string, count = 1) =>
  expect.poll(() => texts(patient).filter((t) => t.includes(fragment)).length >= count, { timeout: 10_000, interval: 20 }).toBe(true);
/** The buttons of the newest message holding `fragment`. */
const buttonsAfter = (patient: MessengerDriver, fragment: string) =>
  (patient.messages().findLast((m) => m.text.includes(fragment))?.buttons ?? []).map((b) => ({ label: b.label, data: b.data }));
const accountOf = (patient: MessengerDriver) =>
  h.db.messengerAccount.findUniqueOrThrow({ where: { channel_externalUserId: { channel: patient.channel, externalUserId: patient.externalUserId } } });

/** Pins the reminders' clock (booking uses it too) and runs one scheduler pass, as the reminders worker does. */
const tick = async (at: string) => {
  h.services.reminders.clock = () => new Date(at);
  await processTick(h.services.reminders);
};

const bearer = (apiToken: string) => (method: "GET" | "POST" | "PUT", url: string, payload?: object) =>
  h.app.inject({ method, url: `/api/v1${url}`, headers: { authorization: `Bearer ${apiToken}` }, payload });

/** The front desk: an admin, the role that records in-person visits by default (IN_PERSON_VISIT_RECORDERS). */
async function frontDesk() {
  const email = `desk-${randomUUID().slice(0, 8)}@clinic.test`;
  const password = "a long enough password";
  const created = await h.services.staff.create({ email, name: "Front desk", role: "admin", password, specialties: [], languages: [] });
  const login = await h.app.inject({ method: "POST", url: "/api/v1/auth/login", payload: { email, password, code: totpCode(created.totpSecret) } });
  const headers = { cookie: String(login.headers["set-cookie"]).split(";")[0]!, "x-requested-with": "telecons-console" };
  return (method: "GET" | "POST", url: string, payload?: object) => h.app.inject({ method, url: `/api/v1${url}`, headers, payload });
}

const T1 = "2027-02-10T07:00:00Z"; // 14:00 in Novosibirsk (UTC+7)
const T2 = "2027-02-10T09:00:00Z"; // 16:00
const TV = "2027-02-12T07:00:00Z"; // a video slot
const plus30 = (iso: string) => new Date(Date.parse(iso) + 30 * 60_000).toISOString();
const address = "Krasny prospekt 10, Novosibirsk";

describe.each(messengers)("in-person booking on %s: referral, slots in the bot, reminders, attended visit", (_messenger, open) => {
  it("offers a signed referral's in-person slots, books, reminds at 24 h and 1 h, moves, cancels, and the attended visit makes the next consultation a follow-up", async () => {
    const specialty = `c${randomUUID().slice(0, 8)}`;
    const user = open("en");
    await onboard(user);
    await user.press("tz:novosibirsk");
    await walkIntake(user, "My blood pressure has been 160/100 for a week");
    const account = await accountOf(user);
    const patientId = account.patientId;
    const first = await h.db.consultation.findFirstOrThrow({ where: { patientId } });

    // The clinic's cardiologist publishes in-person slots (room and address) beside a video slot.
    const cardiologist = await h.services.doctors.create({ name: "Oleg Smirnov", specialties: [specialty], languages: ["ru", "en"] });
    const inPersonDoctor = bearer(cardiologist.apiToken);
    const slot = async (startsAt: string, place: object) => {
      const response = await inPersonDoctor("POST", "/video/slots", { specialty, startsAt, endsAt: plus30(startsAt), ...place });
      expect(response.statusCode).toBe(201);
      return response.json() as { id: string; kind: string; room: string | null; address: string | null };
    };
    const s1 = await slot(T1, { kind: "in_person", room: "214", address });
    const s2 = await slot(T2, { kind: "in_person", room: "301", address });
    const sv = await slot(TV, {});
    expect([s1.kind, s1.room, s1.address, sv.kind, sv.room]).toEqual(["in_person", "214", address, "video", null]);
    const noAddress = await inPersonDoctor("POST", "/video/slots", { specialty, startsAt: "2027-02-13T07:00:00Z", endsAt: "2027-02-13T07:30:00Z", kind: "in_person", room: "1" });
    expect([noAddress.statusCode, noAddress.json().code]).toEqual([400, "validation"]);

    // The treating doctor refers the patient to an in-person visit in a signed protocol.
    const doctor = await h.newDoctor("Anna Petrova");
    pki.issueDoctor(doctor.doctor.id, "Anna Petrova");
    const api = bearer(doctor.apiToken);
    expect((await api("POST", `/consultations/${first.id}/take`)).statusCode).toBe(204);
    const draft = (await api("POST", `/consultations/${first.id}/protocol`)).json();
    const diagnosis = {
      assessment: { kind: "diagnosis", text: "Essential hypertension", codes: ["I10"] },
      prescriptions: [{ medicine: "Amlodipine", dose: "5 mg", schedule: "evening", durationDays: 30 }],
    };
    // primary: no in-person visit yet, so no diagnosis and no prescription remotely
    expect((await api("PUT", `/protocols/${draft.id}`, diagnosis)).json().code).toBe("primary_consultation");
    const referral = { kind: "in_person_visit", target: "Cardiologist, in-person visit", specialty };
    expect((await api("PUT", `/protocols/${draft.id}`, { assessment: { kind: "preliminary", codes: ["I10"] }, referrals: [referral] })).statusCode).toBe(200);
    expect((await api("POST", `/protocols/${draft.id}/sign`)).statusCode).toBe(200);

    // The bot offers the free in-person slots, in English, at Novosibirsk times, with the room; not the video slot.
    await waitText(user, "Your doctor has referred you to an in-person visit: Cardiologist, in-person visit.");
    const offered = buttonsAfter(user, "referred you");
    expect(offered).toEqual([
      { label: `${formatWhen(new Date(T1), "Asia/Novosibirsk", "en")} · room 214`, data: `video:book:${shortId(s1.id)}` },
      { label: `${formatWhen(new Date(T2), "Asia/Novosibirsk", "en")} · room 301`, data: `video:book:${shortId(s2.id)}` },
    ]);
    expect(offered[0]!.label).toContain("02:00 PM");

    // Booking creates its two reminders by itself (no other call).
    h.services.reminders.clock = () => new Date("2027-02-01T00:00:00Z");
    await user.press(offered[0]!.data!);
    await waitText(user, `You are booked for an in-person visit: ${formatWhen(new Date(T1), "Asia/Novosibirsk", "en")}. Address: ${address}, room 214.`);
    const appointment = await h.db.appointment.findFirstOrThrow({ where: { patientId, activeSlotId: s1.id } });
    // an in-person visit has no video call to start
    expect((await inPersonDoctor("POST", `/video/appointments/${appointment.id}/start`)).statusCode).toBe(404);
    const reminders = () => h.db.reminderOccurrence.findMany({ where: { refId: appointment.id }, orderBy: [{ dueAt: "asc" }, { createdAt: "asc" }] });
    expect((await reminders()).map((r) => [r.status, r.dueAt.toISOString()])).toEqual([
      ["scheduled", "2027-02-09T07:00:00.000Z"],
      ["scheduled", "2027-02-10T06:00:00.000Z"],
    ]);

    // 24 h before: the reminder worker's pass puts it in the outbox, the outbox worker delivers it.
    await tick("2027-02-09T07:00:01Z");
    await waitText(user, "Reminder: your in-person visit at the clinic is tomorrow, February 10, 2027, at 14:00. Address: Krasny prospekt 10, Novosibirsk, room 214.");

    // Moving: the free in-person slots (s2 only), then the new time; its reminders replace those not yet sent.
    await user.press(`video:move:${shortId(appointment.id)}`);
    await waitText(user, "Choose a new time:");
    const moveTo = buttonsAfter(user, "Choose a new time:");
    expect(moveTo.map((b) => b.data)).toEqual([`video:mv:${shortId(appointment.id)}:${shortId(s2.id)}`]);
    await user.press(moveTo[0]!.data!);
    await waitText(user, `Your in-person visit is moved to ${formatWhen(new Date(T2), "Asia/Novosibirsk", "en")}. Address: ${address}, room 301.`);
    expect((await reminders()).map((r) => [r.status, r.dueAt.toISOString()])).toEqual([
      ["sent", "2027-02-09T07:00:00.000Z"],
      ["scheduled", "2027-02-09T09:00:00.000Z"],
      ["cancelled", "2027-02-10T06:00:00.000Z"],
      ["scheduled", "2027-02-10T08:00:00.000Z"],
    ]);
    await tick("2027-02-09T09:00:01Z");
    await waitText(user, "is tomorrow, February 10, 2027, at 16:00. Address: Krasny prospekt 10, Novosibirsk, room 301.");
    await tick("2027-02-10T08:00:01Z");
    await waitText(user, "Your in-person visit is in one hour, at 16:00. Address: Krasny prospekt 10, Novosibirsk, room 301.");
    expect(texts(user).filter((t) => t.includes("in one hour"))).toHaveLength(1);

    // A video booking gets its reminders the same way, and cancelling it cancels them.
    await user.say(`/appointments ${specialty}`);
    await waitText(user, "Choose a time for your video consultation:");
    expect(buttonsAfter(user, "Choose a time for your video").map((b) => b.data)).toEqual([`video:book:${shortId(sv.id)}`]);
    await user.press(`video:book:${shortId(sv.id)}`);
    await waitText(user, "You are booked for a video consultation:");
    const video = await h.db.appointment.findFirstOrThrow({ where: { patientId, activeSlotId: sv.id } });
    const videoReminders = () => h.db.reminderOccurrence.findMany({ where: { refId: video.id }, orderBy: { dueAt: "asc" } });
    expect((await videoReminders()).map((r) => [r.status, r.dueAt.toISOString()])).toEqual([
      ["scheduled", "2027-02-11T07:00:00.000Z"],
      ["scheduled", "2027-02-12T06:00:00.000Z"],
    ]);
    await user.press(`video:cancel:${shortId(video.id)}`);
    await waitText(user, "Your appointment is cancelled.");
    expect((await videoReminders()).map((r) => r.status)).toEqual(["cancelled", "cancelled"]);
    await tick("2027-02-12T06:00:01Z");
    expect(texts(user).filter((t) => t.includes("appointment with the doctor"))).toEqual([]);

    // The front desk sees the booking; a doctor (not a visit recorder) may not; before the visit it cannot be marked.
    const desk = await frontDesk();
    const listed = await desk("GET", `/in-person/appointments?from=2027-02-10T00:00:00Z&days=1`);
    expect(listed.statusCode).toBe(200);
    expect(listed.json().appointments.find((a: { id: string }) => a.id === appointment.id)).toMatchObject({
      patientId, doctorName: "Oleg Smirnov", room: "301", address, status: "booked", startsAt: "2027-02-10T09:00:00.000Z", attendedAt: null,
    });
    expect((await api("GET", "/in-person/appointments")).statusCode).toBe(403);
    const attended = { icd10Code: "i10", problem: "Essential hypertension, confirmed at the visit" };
    expect((await api("POST", `/in-person/appointments/${appointment.id}/attended`, attended)).statusCode).toBe(403);
    const early = await desk("POST", `/in-person/appointments/${appointment.id}/attended`, attended);
    expect([early.statusCode, early.json().message]).toEqual([409, "the visit has not started yet"]);

    // Time passes (the slot is moved into the past here): the patient came, the front desk marks it attended.
    const visitedAt = new Date(Date.now() - 2 * 86_400_000);
    await h.db.videoSlot.update({ where: { id: s2.id }, data: { startsAt: visitedAt, endsAt: new Date(visitedAt.getTime() + 1800_000) } });
    const marked = await desk("POST", `/in-person/appointments/${appointment.id}/attended`, attended);
    expect(marked.statusCode).toBe(201);
    const { visitId } = marked.json();
    expect((await desk("POST", `/in-person/appointments/${appointment.id}/attended`, attended)).statusCode).toBe(409);
    expect((await api("GET", `/patients/${patientId}/in-person-visits`)).json().visits).toMatchObject([
      { id: visitId, icd10Code: "I10", source: "booking", visitedAt: visitedAt.toISOString(), externalId: `appointment-${appointment.id}` },
    ]);

    // The next consultation follows up that visit: a diagnosis and a prescription are allowed remotely now.
    expect((await api("POST", `/consultations/${first.id}/close`, { outcome: "in_person_visit" })).statusCode).toBe(204);
    await walkIntake(user, "Blood pressure is still 150/95 on amlodipine");
    const next = await h.db.consultation.findFirstOrThrow({ where: { patientId, id: { not: first.id } } });
    expect((await api("POST", `/consultations/${next.id}/take`)).statusCode).toBe(204);
    const nextDraft = (await api("POST", `/consultations/${next.id}/protocol`)).json();
    const followUp = await api("PUT", `/protocols/${nextDraft.id}`, diagnosis);
    expect(followUp.statusCode).toBe(200);
    expect(followUp.json().remoteCare).toMatchObject({ primary: false, followsUp: [visitId], refused: [] });
  });

  it("marks a booked visit the patient did not come to: once its time has come, with no in-person visit made", async () => {
    const specialty = `c${randomUUID().slice(0, 8)}`;
    const user = open("ru");
    await onboard(user);
    const account = await accountOf(user);
    const doctor = await h.services.doctors.create({ name: "Irina Volkova", specialties: [specialty], languages: ["ru"] });
    const published = await bearer(doctor.apiToken)("POST", "/video/slots", { specialty, startsAt: "2027-03-01T07:00:00Z", endsAt: "2027-03-01T07:30:00Z", kind: "in_person", room: "5", address });
    expect(published.statusCode).toBe(201);
    const slotId = published.json().id as string;
    await user.say(`/visit ${specialty}`);
    await user.press(`video:book:${shortId(slotId)}`);
    const appointment = await h.db.appointment.findFirstOrThrow({ where: { activeSlotId: slotId } });

    const desk = await frontDesk();
    const early = await desk("POST", `/in-person/appointments/${appointment.id}/no-show`);
    expect([early.statusCode, early.json().message]).toEqual([409, "the visit has not started yet"]);
    const startedAt = new Date(Date.now() - 3600_000);
    await h.db.videoSlot.update({ where: { id: slotId }, data: { startsAt: startedAt, endsAt: new Date(startedAt.getTime() + 1800_000) } });
    const missed = await desk("POST", `/in-person/appointments/${appointment.id}/no-show`);
    expect([missed.statusCode, missed.json()]).toEqual([200, { status: "no_show" }]);

    // It stays on the desk's list as missed, cannot become attended afterwards, and the guardrail sees no visit.
    const listed = (await desk("GET", `/in-person/appointments?from=${new Date(startedAt.getTime() - 60_000).toISOString()}&days=1`)).json();
    expect(listed.appointments.find((a: { id: string }) => a.id === appointment.id)).toMatchObject({ status: "no_show", attendedAt: null });
    const late = await desk("POST", `/in-person/appointments/${appointment.id}/attended`, { icd10Code: "I10", problem: "Hypertension" });
    expect(late.statusCode).toBe(409);
    expect((await desk("POST", `/in-person/appointments/${appointment.id}/no-show`)).statusCode).toBe(409);
    expect(await h.db.inPersonVisit.count({ where: { patientId: account.patientId } })).toBe(0);
    const audit = await h.db.auditEvent.findMany({ where: { entityId: account.patientId, action: "in_person_booking.no_show" } });
    expect(audit.map((a) => (a.meta as { appointmentId: string }).appointmentId)).toEqual([appointment.id]);
  });
});
