import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { maxDriver, onboard, telegramDriver, vkDriver, webDriver, type ChannelDriver } from "./helpers/channel-drivers";
import { startHarness, type Harness } from "./helpers/harness";
import { matchingRules, shippedRules } from "../core/intake/red-flags";
import { wordingModelFlag } from "../core/intake/triage";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const bot = (language: string) => JSON.parse(readFileSync(join(import.meta.dirname, "..", "locales", language, "bot.json"), "utf8"));
const opening = (text: string) => text.split(/[({]/)[0]!.trim();
/** How many replies the patient has now (waiting for any text refreshes the widget's inbox). */
const countReplies = async (patient: ChannelDriver) => {
  await patient.waitForText("");
  return patient.texts().length;
};
/** The account behind a driver once its first message was processed (VK and the widget create it on arrival). */
const accountOf = async (patient: ChannelDriver) => {
  await expect.poll(() => h.db.messengerAccount.count({ where: { channel: patient.channel, externalUserId: patient.externalUserId } })).toBe(1);
  return h.db.messengerAccount.findFirstOrThrow({ where: { channel: patient.channel, externalUserId: patient.externalUserId }, include: { patient: true } });
};

/** The heart attack of issue 14, as a patient types it in Russian and in Kyrgyz, as the first complaint. */
const heartAttack = {
  ru: "Сильная давящая боль в груди уже час, отдаёт в левую руку, холодный пот",
  ky: "Көкүрөгүм катуу кысып ооруп жатат, бир сааттан бери, сол колума берип жатат, муздак тер басты",
};

/** An atypical heart attack as a daughter tells it; the rules' words miss it (asserted in the test), the emergency-wording model does not. */
const modelOnlyEmergency = "папа сидит весь серый, потный, говорит давит под ложечкой и отдаёт в челюсть";

const channels: Array<[string, (language: "ru" | "ky") => Promise<ChannelDriver>]> = [
  ["Telegram", async (language) => telegramDriver(h, language)],
  ["VK", async () => vkDriver(h, 0)],
  ["the web widget", (language) => webDriver(h, language)],
  ["MAX", async (language) => maxDriver(h, language)],
];
const cases = channels.flatMap(([name, open]) => (["ru", "ky"] as const).map((language) => [name, language, open] as const));

describe("an emergency typed as free text", () => {
  it.each(cases)("%s (%s): the heart attack after the consents gets 103/112 first and an urgent consultation", async (_name, language, open) => {
    const patient = await open(language);
    await onboard(patient);
    // The account's language decides the reply (VK guesses Russian); the text is recognised in any of the six.
    const account = await accountOf(patient);
    const texts = bot(account.patient.language);
    await patient.waitForText(texts.complaint.ask);
    const before = patient.texts().length;
    await patient.say(heartAttack[language]);
    await patient.waitForText(opening(texts.intake.emergency));
    const after = patient.texts().slice(before);
    expect(after[0]).toBe(texts.intake.emergency);
    expect(after[0]).toMatch(/103/);
    expect(after[0]).toMatch(/112/);

    await expect.poll(() => h.db.consultation.findFirst({ where: { patientId: account.patientId } })).toMatchObject({ urgent: true });
    const intake = await h.db.intake.findFirstOrThrow({ where: { patientId: account.patientId } });
    expect(intake.redFlags).toContain("chest_pain_breathless");
    expect(intake.redFlagRulesVersion).toMatch(/^rf-[0-9a-f]{12}$/);
    expect(await h.db.redFlagRuleVersion.count({ where: { version: intake.redFlagRulesVersion! } })).toBe(1);
  });

  it.each(cases)("%s (%s): before the consents the emergency answer comes first and nothing is stored", async (_name, language, open) => {
    const patient = await open(language);
    await patient.say("/start");
    const account = await accountOf(patient);
    const texts = bot(account.patient.language);
    // welcome, language choice, the first consent question
    await expect.poll(() => countReplies(patient)).toBeGreaterThanOrEqual(3);
    const before = patient.texts().length;
    await patient.say(heartAttack[language]);
    await patient.waitForText(texts.consent.required);
    const after = patient.texts().slice(before);
    expect(after[0]).toBe(texts.intake.emergency_now);
    expect(after[1]).toBe(texts.consent.required);
    expect(await h.db.intake.count({ where: { patientId: account.patientId } })).toBe(0);
    expect(await h.db.consultation.count({ where: { patientId: account.patientId } })).toBe(0);
    expect(await h.db.message.count({ where: { consultation: { patientId: account.patientId } } })).toBe(0);
  });

  it("an emergency no rule phrase names gets 103/112 from the text model, flagged as the model's", async () => {
    // Grey, sweating, a pressure "under the spoon" going to the jaw: no rule lists these words (checked first), the model reads them.
    const text = modelOnlyEmergency;
    expect(matchingRules(shippedRules(), { language: "ru", texts: [text], answers: [] })).toEqual([]);
    const patient = await telegramDriver(h, "ru");
    await onboard(patient);
    const account = await accountOf(patient);
    await patient.waitForText(bot("ru").complaint.ask);
    const before = patient.texts().length;
    await patient.say(text);
    await patient.waitForText(opening(bot("ru").intake.emergency));
    expect(patient.texts().slice(before)[0]).toBe(bot("ru").intake.emergency);
    const intake = await h.db.intake.findFirstOrThrow({ where: { patientId: account.patientId } });
    expect(intake).toMatchObject({ redFlags: [wordingModelFlag.id], urgent: true });
  });

  it("a routine complaint before the consents gets only the consent request", async () => {
    const patient = await telegramDriver(h, "ru");
    await patient.say("/start");
    await expect.poll(() => countReplies(patient)).toBeGreaterThanOrEqual(3);
    const before = patient.texts().length;
    await patient.say("Третий день насморк, температура 37,2");
    await patient.waitForText(bot("ru").consent.required);
    expect(patient.texts().slice(before)[0]).toBe(bot("ru").consent.required);
  });
});

describe("an urgent consultation in the video queue", () => {
  it("queues before routine requests that came earlier and is marked urgent for the doctor", async () => {
    const specialty = `t${Math.random().toString(36).slice(2, 10)}`;
    const patientOf = async () => {
      const user = h.newPatient("ru");
      await h.say(user, "/start");
      const account = await h.db.messengerAccount.findUniqueOrThrow({ where: { channel_externalUserId: { channel: "telegram", externalUserId: String(user.id) } } });
      return account;
    };
    const routine = await patientOf();
    const urgent = await patientOf();
    const consultation = await h.db.consultation.create({ data: { patientId: urgent.patientId, accountId: urgent.id, kind: "async_chat", status: "new", urgent: true } });
    // On duty: with nobody on duty the routine patient would be offered choices, not queued (core/rota/duty-now.ts).
    const { doctor } = await h.services.doctors.create({ name: "Дежурный врач", specialties: [specialty], languages: ["ru"] });
    await h.db.dutyShift.create({ data: { doctorId: doctor.id, specialty, startsAt: new Date(Date.now() - 3600_000), endsAt: new Date(Date.now() + 3600_000) } });
    const first = await h.services.video.requestVideo({ patientId: routine.patientId, accountId: routine.id, specialty });
    const second = await h.services.video.requestVideo({ patientId: urgent.patientId, accountId: urgent.id, specialty, consultationId: consultation.id });
    const visitOf = (outcome: typeof first) => ("visitId" in outcome ? outcome.visitId : undefined);
    const snapshot = await h.services.video.queueSnapshot(specialty, "ru");
    expect(snapshot.map((s) => s.visitId)).toEqual([visitOf(second), visitOf(first)]);

    const requests = await h.services.video.openRequestsFor({ ...doctor, specialties: [specialty], languages: ["ru"] });
    expect(requests.map((r) => [r.visitId, r.urgent])).toEqual([[visitOf(second), true], [visitOf(first), false]]);
  });
});
