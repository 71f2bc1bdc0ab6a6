import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DateTime } from "luxon";
import { totpCode } from "../core/staff/totp";
import { processTick } from "../workers/reminders.worker";
import { maxDriver, onboard, vkDriver, webDriver, type ChannelDriver } from "./helpers/channel-drivers";
import { startHarness, type Harness } from "./helpers/harness";
import { TestPki } from "./helpers/test-pki";

/**
 * Prescription renewal (issue 18 point 4) through the Telegram stand-in and the api: `/renew` and the button under a
 * medication reminder put the request in the prescriber's queue; approve signs a new version and extends the
 * reminders, change opens a correction draft, decline tells the patient why; an old in-person visit refuses it.
 */

let h: Harness;
let pki: TestPki;
const DAY = 86_400_000;

beforeAll(async () => {
  pki = new TestPki();
  h = await startHarness({ DOCTOR_CERTS_DIR: pki.certsDir, DOCTOR_CERTS_PASSWORD: pki.password, RENEWAL_MAX_VISIT_AGE_DAYS: "365" });
});
afterAll(async () => {
  await h?.close();
});

const texts = (chatId: number) => h.telegram.sent(chatId).map((call) => String(call.params.text));
const buttons = (chatId: number) =>
  h.telegram.sent(chatId).flatMap((call) => (call.params.reply_markup as { inline_keyboard?: Array<Array<{ callback_data?: string }>> } | undefined)?.inline_keyboard?.flat() ?? []);
const saw = (chatId: number, pattern: RegExp) => h.telegram.waitFor(() => texts(chatId).some((text) => pattern.test(text)), 20_000);

/** The front desk records in-person visits (IN_PERSON_VISIT_RECORDERS=admin). */
async function frontDesk() {
  const email = `desk-${Math.random().toString(36).slice(2)}@clinic.test`;
  const password = "a long enough password";
  const created = await h.services.staff.create({ email, name: "Front desk", role: "admin", password, specialties: [], languages: [] });
  const login = await h.app.inject({ method: "POST", url: "/api/v1/auth/login", payload: { email, password, code: totpCode(created.totpSecret) } });
  const headers = { cookie: String(login.headers["set-cookie"]).split(";")[0]!, "x-requested-with": "telecons-console" };
  return (url: string, payload: object) => h.app.inject({ method: "POST", url: `/api/v1${url}`, headers, payload });
}

const losartan = { medicine: "Лозартан", dose: "50 мг", schedule: "утром", durationDays: 30, treatmentChange: "change" as const, remindAt: ["09:00"] };

/**
 * A patient with a signed prescription of losartan (reminders at 09:00) from a follow-up of an in-person visit
 * `visitDaysAgo` days ago, written by a doctor with a signing certificate.
 */
async function prescribed(language: string, visitDaysAgo: number) {
  const user = h.newPatient(language);
  await h.openConsultation(user, language === "ru" ? "Заканчивается лозартан, давление 140/90" : "My losartan is running out, pressure 140/90");
  await h.telegram.waitFor(() => texts(user.id).some((text) => /№|No\./.test(text)));
  const account = await h.db.messengerAccount.findUniqueOrThrow({ where: { channel_externalUserId: { channel: "telegram", externalUserId: String(user.id) } } });
  const patientId = account.patientId;
  const consultation = await h.db.consultation.findFirstOrThrow({ where: { patientId } });
  const { doctor, apiToken } = await h.newDoctor("Анна Петрова");
  pki.issueDoctor(doctor.id, "Анна Петрова");
  const api = (method: "GET" | "POST" | "PUT", url: string, payload?: object) =>
    h.app.inject({ method, url: `/api/v1${url}`, headers: { authorization: `Bearer ${apiToken}` }, payload });
  expect((await api("POST", `/consultations/${consultation.id}/take`)).statusCode).toBe(204);
  const visitedAt = new Date(Date.now() - visitDaysAgo * DAY).toISOString();
  expect((await (await frontDesk())(`/patients/${patientId}/in-person-visits`, { visitedAt, icd10Code: "I10", problem: "Гипертензия" })).statusCode).toBe(201);
  const draft = (await api("POST", `/consultations/${consultation.id}/protocol`)).json();
  const content = { assessment: { kind: "diagnosis", text: "Артериальная гипертензия", codes: ["I10"] }, prescriptions: [losartan] };
  expect((await api("PUT", `/protocols/${draft.id}`, content)).statusCode).toBe(200);
  expect((await api("POST", `/protocols/${draft.id}/sign`)).statusCode).toBe(200);
  await expect.poll(() => h.db.medicationSchedule.count({ where: { patientId, cancelledAt: null } }), { timeout: 20_000 }).toBe(1);
  return { user, patientId, consultation, doctor, api, protocolId: draft.id as string };
}

/** The prescription as if signed `days` ago: the protocol and the reminder schedule it made moved back together. */
async function signedDaysAgo(patientId: string, protocolId: string, days: number) {
  await h.db.protocol.update({ where: { id: protocolId }, data: { signedAt: new Date(Date.now() - days * DAY) } });
  const schedule = await h.db.medicationSchedule.findFirstOrThrow({ where: { patientId, cancelledAt: null } });
  const shift = (date: string) => DateTime.fromISO(date).minus({ days }).toISODate()!;
  return h.db.medicationSchedule.update({ where: { id: schedule.id }, data: { startDate: shift(schedule.startDate), endDate: shift(schedule.endDate) } });
}

const queueOf = async (api: Awaited<ReturnType<typeof prescribed>>["api"], patientId: string) => {
  const response = await api("GET", "/renewals");
  expect(response.statusCode).toBe(200);
  return (response.json().renewals as Array<{ id: string; patientId: string } & Record<string, unknown>>).filter((r) => r.patientId === patientId);
};

describe("prescription renewal", () => {
  it("/renew reaches the prescriber with readings and adherence; approving signs a new version and extends the reminders", async () => {
    const { user, patientId, consultation, doctor, api, protocolId } = await prescribed("ru", 60);
    const before = await signedDaysAgo(patientId, protocolId, 20);
    await h.db.reading.create({ data: { patientId, deviceId: "tonometer", kind: "blood_pressure", value: 138, value2: 88, source: "json", measuredAt: new Date(Date.now() - DAY) } });
    await h.db.reminderOccurrence.create({
      data: { idempotencyKey: `renewal-test-${before.id}`, kind: "medication", patientId, scheduleId: before.id, consultationId: consultation.id, dueAt: new Date(Date.now() - 2 * DAY), sendAt: new Date(Date.now() - 2 * DAY), status: "taken" },
    });

    await h.say(user, "/renew");
    await saw(user.id, /^Запрос на продление рецепта \(Лозартан 50 мг\) отправлен вашему врачу/);
    // Asking again while it is open changes nothing.
    await h.say(user, "/renew");
    await saw(user.id, /^Запрос на продление рецепта \(Лозартан 50 мг\) уже у врача/);
    expect(await h.db.prescriptionRenewal.count({ where: { patientId } })).toBe(1);

    const [request] = await queueOf(api, patientId);
    expect(request).toMatchObject({
      status: "requested",
      via: "command",
      mine: true,
      consultationNumber: consultation.number,
      protocolId,
      protocolVersion: 1,
      prescriptions: [{ medicine: "Лозартан", dose: "50 мг", durationDays: 30 }],
      readings: [{ kind: "blood_pressure", value: 138, value2: 88 }],
      adherence: { taken: 1, missed: 0, unanswered: 0 },
    });
    expect(Date.parse(String(request!.lastVisitAt))).toBeLessThan(Date.now() - 59 * DAY);
    expect(await h.db.auditEvent.count({ where: { action: "renewal.read", entityId: patientId, actorId: doctor.id } })).toBeGreaterThan(0);
    // Another gp doctor does not see it while the prescriber is here and has not waited RENEWAL_PRESCRIBER_HOURS.
    const other = await h.newDoctor("Борис Другой");
    const asOther = await h.app.inject({ method: "GET", url: "/api/v1/renewals", headers: { authorization: `Bearer ${other.apiToken}` } });
    expect(asOther.json().renewals.filter((r: { patientId: string }) => r.patientId === patientId)).toEqual([]);
    expect((await h.app.inject({ method: "POST", url: `/api/v1/renewals/${request!.id}/approve`, headers: { authorization: `Bearer ${other.apiToken}` } })).statusCode).toBe(404);

    const approved = await api("POST", `/renewals/${request!.id}/approve`);
    expect(approved.statusCode).toBe(200);
    const { resultProtocolId } = approved.json();
    expect(approved.json()).toMatchObject({ status: "approved", consultationId: consultation.id });
    const version = (await api("GET", `/protocols/${resultProtocolId}`)).json();
    expect(version).toMatchObject({ version: 2, previousId: protocolId, status: "signed", content: { prescriptions: [{ medicine: "Лозартан", treatmentChange: "continue" }] } });
    // The new signed prescription is made, and the patient told in their language.
    await expect
      .poll(async () => (await api("GET", `/protocols/${resultProtocolId}/documents`)).json().documents.map((d: { kind: string }) => d.kind).sort(), { timeout: 20_000 })
      .toContain("prescription");
    await saw(user.id, /^Врач Анна Петрова продлил\(а\) ваш рецепт: Лозартан 50 мг/);
    // The same schedule runs on: 30 days from the renewal instead of ending in 10.
    const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Moscow" }).format(new Date());
    const renewedEnd = DateTime.fromISO(today).plus({ days: 29 }).toISODate();
    await expect.poll(async () => (await h.db.medicationSchedule.findUniqueOrThrow({ where: { id: before.id } })).endDate, { timeout: 20_000 }).toBe(renewedEnd);
    expect(await h.db.medicationSchedule.count({ where: { patientId, cancelledAt: null } })).toBe(1);
    expect((await api("POST", `/renewals/${request!.id}/decline`, { reason: "поздно" })).statusCode).toBe(409);
    expect(await queueOf(api, patientId)).toEqual([]);
  });

  it("the renew button under a medication reminder asks too; the doctor changes the prescription through a correction draft", async () => {
    const { user, patientId, consultation, api } = await prescribed("ru", 30);
    const schedule = await h.db.medicationSchedule.findFirstOrThrow({ where: { patientId, cancelledAt: null } });
    // Tomorrow's 09:00 dose, sent by one scheduler pass at that moment.
    const nineTomorrow = DateTime.now().setZone("Europe/Moscow").plus({ days: 1 }).set({ hour: 9, minute: 1, second: 0, millisecond: 0 }).toJSDate();
    await processTick(h.services.reminders, nineTomorrow);
    await h.telegram.waitFor(() => buttons(user.id).some((b) => b.callback_data === `rnw:s:${schedule.id}`), 20_000);
    expect(texts(user.id).some((text) => text.startsWith("💊"))).toBe(true);

    await h.press(user, `rnw:s:${schedule.id}`);
    await saw(user.id, /^Запрос на продление рецепта \(Лозартан 50 мг\) отправлен/);
    const [request] = await queueOf(api, patientId);
    expect(request).toMatchObject({ via: "reminder", status: "requested" });

    const changed = await api("POST", `/renewals/${request!.id}/change`);
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ status: "changed", consultationId: consultation.id });
    await saw(user.id, /^Врач Анна Петрова изменит ваш рецепт \(Лозартан 50 мг\)/);
    // The follow-up protocol: a draft version the doctor edits and signs like any correction.
    const draftId = changed.json().resultProtocolId;
    expect((await api("GET", `/protocols/${draftId}`)).json()).toMatchObject({ version: 2, status: "draft", content: { prescriptions: [{ treatmentChange: "change" }] } });
    const edited = await api("PUT", `/protocols/${draftId}`, {
      assessment: { kind: "diagnosis", text: "Артериальная гипертензия", codes: ["I10"] },
      prescriptions: [{ ...losartan, dose: "100 мг" }],
    });
    expect(edited.statusCode).toBe(200);
    expect((await api("POST", `/protocols/${draftId}/sign`)).statusCode).toBe(200);
    await expect.poll(async () => (await h.db.medicationSchedule.findMany({ where: { patientId, cancelledAt: null } })).map((s) => s.dose), { timeout: 20_000 }).toEqual(["100 мг"]);
  });

  it("a declined renewal tells the patient the reason in their language", async () => {
    const { user, patientId, api } = await prescribed("en", 30);
    await h.say(user, "/renew");
    await saw(user.id, /^Your request to renew Лозартан 50 мг has been sent to your doctor/);
    const [request] = await queueOf(api, patientId);
    expect((await api("POST", `/renewals/${request!.id}/decline`, { reason: "" })).statusCode).toBe(400);
    const declined = await api("POST", `/renewals/${request!.id}/decline`, { reason: "Сначала сдайте креатинин и калий." });
    expect(declined.statusCode).toBe(200);
    expect(declined.json()).toMatchObject({ status: "declined", resultProtocolId: null });
    await saw(user.id, /^Doctor Анна Петрова has not renewed Лозартан 50 мг\. Reason: Сначала сдайте креатинин и калий\.$/);
    expect(await h.db.protocol.count({ where: { patientId } })).toBe(1);
  });

  it("an approval that fails after signing the new version leaves nothing behind, and the next try goes through", async () => {
    const { user, patientId, api, protocolId } = await prescribed("ru", 60);
    await h.say(user, "/renew");
    await saw(user.id, /^Запрос на продление рецепта/);
    const [request] = await queueOf(api, patientId);
    // The decision's own write fails (as a lost connection or a full disk would), after the version was signed.
    const fn = `fail_renewal_${request!.id.replaceAll("-", "")}`;
    await h.db.$executeRawUnsafe(`CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected'; END $$`);
    await h.db.$executeRawUnsafe(
      `CREATE TRIGGER ${fn} BEFORE UPDATE ON "PrescriptionRenewal" FOR EACH ROW WHEN (OLD.id = '${request!.id}') EXECUTE FUNCTION ${fn}()`,
    );
    expect((await api("POST", `/renewals/${request!.id}/approve`)).statusCode).toBe(500);
    expect(await h.db.protocol.count({ where: { patientId } })).toBe(1);
    expect((await h.db.prescriptionRenewal.findUniqueOrThrow({ where: { id: request!.id } })).status).toBe("requested");
    expect(texts(user.id).some((text) => text.includes("продлил(а) ваш рецепт"))).toBe(false);

    await h.db.$executeRawUnsafe(`DROP TRIGGER ${fn} ON "PrescriptionRenewal"`);
    const approved = await api("POST", `/renewals/${request!.id}/approve`);
    expect(approved.statusCode).toBe(200);
    expect((await api("GET", `/protocols/${approved.json().resultProtocolId}`)).json()).toMatchObject({ version: 2, previousId: protocolId, status: "signed" });
    await saw(user.id, /^Врач Анна Петрова продлил\(а\) ваш рецепт/);
  });

  it("is refused when the in-person visit behind the prescription is older than RENEWAL_MAX_VISIT_AGE_DAYS", async () => {
    const { user, patientId, api, protocolId } = await prescribed("ru", 400);
    await h.say(user, "/renew");
    await saw(user.id, /^Этот рецепт нельзя продлить дистанционно: последний очный приём по нему был \d{4}-\d{2}-\d{2}, больше 365 дней назад/);
    expect(await h.db.prescriptionRenewal.count({ where: { patientId } })).toBe(0);

    // A visit that grows too old while the request waits: the api refuses the approval too.
    await h.db.inPersonVisit.updateMany({ where: { patientId }, data: { visitedAt: new Date(Date.now() - 100 * DAY) } });
    await h.say(user, "/renew");
    await saw(user.id, /^Запрос на продление рецепта/);
    await h.db.inPersonVisit.updateMany({ where: { patientId }, data: { visitedAt: new Date(Date.now() - 366 * DAY) } });
    const [request] = await queueOf(api, patientId);
    const refused = await api("POST", `/renewals/${request!.id}/approve`);
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ code: "in_person_visit_outdated", details: { maxAgeDays: 365 } });
    expect((await api("GET", `/protocols/${protocolId}`)).json().status).toBe("signed");
    expect(await h.db.protocol.count({ where: { patientId } })).toBe(1);
  });

  it.each([
    ["VK", () => vkDriver(h)],
    ["MAX", () => maxDriver(h)],
    ["the web chat", () => webDriver(h)],
  ] as Array<[string, () => ChannelDriver | Promise<ChannelDriver>]>)("/renew is the same dialogue in %s", async (_name, makeDriver) => {
    const patient = await makeDriver();
    await onboard(patient);
    await patient.say("/renew");
    await patient.waitForText("У вас нет действующего рецепта");
    const account = await h.db.messengerAccount.findUniqueOrThrow({ where: { channel_externalUserId: { channel: patient.channel, externalUserId: patient.externalUserId } } });

    // A prescription signed in a consultation held through this messenger, following last month's visit.
    const { doctor } = await h.newDoctor("Анна Петрова");
    pki.issueDoctor(doctor.id, "Анна Петрова");
    const consultation = await h.db.consultation.create({ data: { patientId: account.patientId, accountId: account.id, doctorId: doctor.id, kind: "async_chat", status: "in_progress", takenAt: new Date() } });
    await h.services.visits.record({ type: "staff", id: doctor.id }, account.patientId, { visitedAt: new Date(Date.now() - 30 * DAY), icd10Code: "I10", problem: "Гипертензия" });
    const draft = await h.services.protocols.startDraft(doctor, consultation.id);
    await h.services.protocols.update(doctor, draft.id, { assessment: { kind: "diagnosis", codes: ["I10"] }, prescriptions: [losartan] });
    await h.services.protocols.sign(doctor, draft.id);
    await patient.say("/renew");
    await patient.waitForText("Запрос на продление рецепта (Лозартан 50 мг) отправлен вашему врачу", 20_000);
    expect(await h.db.prescriptionRenewal.findFirstOrThrow({ where: { patientId: account.patientId } })).toMatchObject({ prescriberId: doctor.id, via: "command", status: "requested" });
  });
});
