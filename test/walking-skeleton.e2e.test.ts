import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { maxDriver, onboard, telegramDriver, type MessengerDriver } from "./helpers/channel-drivers";
import { samplePng } from "./helpers/channel-fixtures";
import { scratchDatabase, type ScratchDatabase } from "./helpers/scratch-database";
import { startHarness, type Harness } from "./helpers/harness";
import { walkIntake } from "./helpers/intake-steps";
import { telegramUpdates } from "./helpers/telegram-stand-in";

let h: Harness;
let database: ScratchDatabase;
// Its own database: the doctor's queue shows the 100 that waited longest, and the run's shared database holds more.
beforeAll(async () => {
  database = await scratchDatabase("skeleton");
  h = await startHarness({ DATABASE_URL: database.url });
}, 60_000);
afterAll(async () => {
  await h?.close();
  await database?.drop();
});

const texts = (chatId: number) => h.telegram.sent(chatId).map((call) => String(call.params.text));
const waitFor = (condition: () => boolean) => expect.poll(condition, { timeout: 10_000, interval: 20 }).toBe(true);
const messengers: Array<[string, (language: string) => MessengerDriver]> = [
  ["Telegram", (language) => telegramDriver(h, language)],
  ["MAX", (language) => maxDriver(h, language)],
];

async function patientIdOf(patient: number | MessengerDriver) {
  const { channel, externalUserId } = typeof patient === "number" ? { channel: "telegram" as const, externalUserId: String(patient) } : patient;
  const account = await h.db.messengerAccount.findUniqueOrThrow({
    where: { channel_externalUserId: { channel, externalUserId } },
  });
  return account.patientId;
}

describe("walking skeleton: Telegram message → consultation → doctor reply → Telegram", () => {
  it("runs the whole path in Russian, storing nothing medical before both consents", async () => {
    const patient = h.newPatient("ru");
    await h.say(patient, "/start");
    await h.telegram.waitFor(() => h.telegram.sent(patient.id).length >= 3);
    const [welcome, language, askPersonalData] = h.telegram.sent(patient.id);
    expect(welcome!.params.text).toMatch(/^Здравствуйте/);
    expect(language!.params.text).toMatch(/^Я буду говорить с вами по-русски/);
    expect(askPersonalData!.params.text).toContain("персональных данных");
    expect(askPersonalData!.params.reply_markup).toEqual({
      inline_keyboard: [
        [
          { text: "Согласен(на)", callback_data: "consent:personal_data:yes" },
          { text: "Не согласен(на)", callback_data: "consent:personal_data:no" },
        ],
      ],
    });

    // A complaint before consent is answered but not kept.
    await h.say(patient, "Болит голова третий день");
    await h.telegram.waitFor(() => texts(patient.id).some((text) => text.startsWith("Сначала нужно ваше согласие")));
    const patientId = await patientIdOf(patient.id);
    expect(await h.db.consultation.count({ where: { patientId } })).toBe(0);
    expect(await h.db.message.count({ where: { consultation: { patientId } } })).toBe(0);

    await h.press(patient, "consent:personal_data:yes");
    await h.press(patient, "consent:remote_care:yes");
    await h.telegram.waitFor(() => texts(patient.id).some((text) => text.startsWith("Опишите, пожалуйста")));
    const consents = await h.db.consent.findMany({ where: { patientId }, orderBy: { givenAt: "asc" } });
    expect(consents.map((c) => [c.kind, c.version, c.withdrawnAt])).toEqual([
      ["personal_data", "2026-11-01", null],
      ["remote_care", "2026-11-01", null],
    ]);
    // Both callback buttons were acknowledged so the patient's spinner stops.
    await h.telegram.waitFor((calls) => calls.filter((c) => c.method === "answerCallbackQuery").length >= 2);

    await walkIntake(h.chat(patient), "Болит голова третий день, температура 37,8", { area: "head" });
    await h.telegram.waitFor(() => texts(patient.id).some((text) => /^Обращение № \d+ создано/.test(text)));
    const consultation = await h.db.consultation.findFirstOrThrow({ where: { patientId } });
    expect(consultation).toMatchObject({ kind: "async_chat", status: "new", doctorId: null });

    const { doctor, apiToken } = await h.newDoctor("Анна Петрова");
    const auth = { authorization: `Bearer ${apiToken}` };
    const list = await h.app.inject({ method: "GET", url: "/api/v1/consultations", headers: auth });
    expect(list.statusCode).toBe(200);
    const listed = list.json().consultations.find((c: { id: string }) => c.id === consultation.id);
    expect(listed).toMatchObject({ number: consultation.number, status: "new", patientLanguage: "ru" });

    const read = await h.app.inject({ method: "GET", url: `/api/v1/consultations/${consultation.id}`, headers: auth });
    expect(read.statusCode).toBe(200);
    expect(read.json().messages).toMatchObject([{ authorRole: "patient", text: "Болит голова третий день, температура 37,8" }]);
    expect(read.json().identityLevel).toBe("anonymous");

    const answer = await h.app.inject({
      method: "POST",
      url: `/api/v1/consultations/${consultation.id}/messages`,
      headers: auth,
      payload: { text: "Пейте больше жидкости; если температура выше 38,5 — парацетамол." },
    });
    expect(answer.statusCode).toBe(201);
    await h.telegram.waitFor(() => texts(patient.id).some((text) => text.includes("Пейте больше жидкости")));
    expect(texts(patient.id).at(-1)).toBe("Врач Анна Петрова:\nПейте больше жидкости; если температура выше 38,5 — парацетамол.");

    const after = await h.db.consultation.findUniqueOrThrow({ where: { id: consultation.id }, include: { messages: true } });
    expect(after).toMatchObject({ status: "waiting_for_patient", doctorId: doctor.id });
    expect(after.takenAt).toBeInstanceOf(Date);
    await expect.poll(async () => (await h.db.message.findUniqueOrThrow({ where: { id: answer.json().id } })).deliveryStatus).toBe("sent");

    const audit = await h.db.auditEvent.findMany({ where: { entityId: consultation.id }, orderBy: { at: "asc" } });
    expect(audit.map((e) => [e.actorType, e.action])).toEqual([
      ["patient", "consultation.open"],
      ["doctor", "consultation.read"],
      ["doctor", "consultation.reply"],
    ]);
    const listAudit = await h.db.auditEvent.findFirst({ where: { actorId: doctor.id, action: "consultation.list" } });
    expect(listAudit?.meta).toMatchObject({ ids: expect.arrayContaining([consultation.id]) });
  });
});

describe("the Telegram webhook", () => {
  it("rejects a wrong or missing secret with 401 and does nothing else", async () => {
    const patient = h.newPatient("ru");
    const callsBefore = h.telegram.calls.length;
    for (const secret of ["wrong-secret-0123456789", null]) {
      const response = await h.postUpdate(telegramUpdates.text(h.nextUpdateId(), patient, "/start"), secret);
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ code: "unauthorized", message: "wrong or missing secret token" });
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.telegram.calls.length).toBe(callsBefore);
    expect(await h.db.messengerAccount.count({ where: { externalUserId: String(patient.id) } })).toBe(0);
  });

  it("processes a redelivered update once", async () => {
    const patient = h.newPatient("ru");
    await h.onboard(patient);
    await h.telegram.waitFor(() => texts(patient.id).some((text) => text.startsWith("Опишите")));
    const update = telegramUpdates.text(h.nextUpdateId(), patient, "Кашель неделю");
    const responses = await Promise.all([h.postUpdate(update), h.postUpdate(update)]);
    expect(responses.map((r) => r.statusCode)).toEqual([200, 200]);
    expect((await h.postUpdate(update)).statusCode).toBe(200);
    await h.telegram.waitFor(() => texts(patient.id).some((text) => text.startsWith("С чем связано обращение?")));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const patientId = await patientIdOf(patient.id);
    expect(await h.db.intake.count({ where: { patientId } })).toBe(1);
    expect(texts(patient.id).filter((text) => text.startsWith("С чем связано обращение?"))).toHaveLength(1);
  });
});

// The dialogue's first steps as every messenger delivers them; the first test above holds Telegram's own markup.
describe.each(messengers)("the first steps on %s", (_messenger, open) => {
  it("answers in English for an English-speaking user and keeps the thread going", async () => {
    const patient = open("en-GB");
    await onboard(patient);
    await walkIntake(patient, "I have a rash on my arm");
    await patient.say("It itches at night");
    await waitFor(() => patient.texts().some((text) => text.startsWith("Added to consultation No.")));
    expect(patient.texts()[0]).toBe("Hello! This is Telecons, online consultations with a doctor.");
    expect(patient.texts()).toContain("Please describe what is bothering you: symptoms, since when, and what you have already taken.");
    const patientId = await patientIdOf(patient);
    const consultations = await h.db.consultation.findMany({ where: { patientId }, include: { messages: true } });
    expect(consultations).toHaveLength(1);
    expect(consultations[0]!.messages.map((m) => m.text).sort()).toEqual(["I have a rash on my arm", "It itches at night"]);
  });

  it("falls back to the clinic's default language for a language it does not speak", async () => {
    const patient = open("de");
    await patient.say("/start");
    await waitFor(() => patient.texts().length >= 1);
    expect(patient.texts()[0]).toMatch(/^Здравствуйте/);
  });

  it("records a declined consent as nothing and says what it means", async () => {
    const patient = open("en");
    await patient.say("/start");
    await patient.press("consent:personal_data:no");
    await waitFor(() => patient.texts().some((text) => text.startsWith("Without this consent")));
    expect(await h.db.consent.count({ where: { patientId: await patientIdOf(patient) } })).toBe(0);
  });

  it("answers a photo sent before any complaint without storing it", async () => {
    const patient = open("en");
    await onboard(patient);
    await patient.sendFile(samplePng, "photo");
    await waitFor(() => patient.texts().some((text) => text.startsWith("Please describe in a text message what is bothering you first")));
    expect(await h.db.consultation.count({ where: { account: { channel: patient.channel, externalUserId: patient.externalUserId } } })).toBe(0);
  });
});
