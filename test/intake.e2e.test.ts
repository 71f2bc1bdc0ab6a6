import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConsultationEvent } from "../core/realtime/console-events";
import { totpCode } from "../core/staff/totp";
import { maxDriver, telegramDriver, type MessengerDriver } from "./helpers/channel-drivers";
import { startHarness, type Harness } from "./helpers/harness";
import { walkIntake } from "./helpers/intake-steps";
import { OidcStandIn } from "./helpers/oidc-stand-in";
import { telegramUpdates } from "./helpers/telegram-stand-in";

let h: Harness;
let oidc: OidcStandIn;

beforeAll(async () => {
  oidc = await new OidcStandIn().start();
  h = await startHarness({ OIDC_ISSUER: oidc.issuer, OIDC_CLIENT_ID: oidc.clientId, OIDC_CLIENT_SECRET: oidc.clientSecret });
});

afterAll(async () => {
  await h?.close();
  await oidc?.stop();
});

/** The messengers whose dialogue these tests drive; `language` is what the patient's client reports. */
const messengers: Array<[string, (language: string) => MessengerDriver]> = [
  ["Telegram", (language) => telegramDriver(h, language)],
  ["MAX", (language) => maxDriver(h, language)],
];

const texts = (patient: MessengerDriver) => patient.texts();
const buttonsOf = (message: { buttons: Array<{ data?: string; url?: string }> } | undefined) => message?.buttons ?? [];
const lastWith = (patient: MessengerDriver, fragment: string) => patient.messages().findLast((m) => m.text.includes(fragment));
const patientOf = async (patient: MessengerDriver) =>
  (
    await h.db.messengerAccount.findUniqueOrThrow({
      where: { channel_externalUserId: { channel: patient.channel, externalUserId: patient.externalUserId } },
      include: { patient: true },
    })
  ).patient;
/** Each step waits until the dialogue handled it and every reply reached the messenger, so the last text is its answer. */
const say = async (patient: MessengerDriver, text: string) => {
  await patient.say(text);
  await patient.settled();
};
const press = async (patient: MessengerDriver, data: string) => {
  await patient.press(data);
  await patient.settled();
};
const onboard = async (patient: MessengerDriver) => {
  await say(patient, "/start");
  await press(patient, "consent:personal_data:yes");
  await press(patient, "consent:remote_care:yes");
};
/** Consents given, the shortest intake to an asynchronous consultation with `complaint` as its first message. */
const openConsultation = async (patient: MessengerDriver, complaint: string) => {
  await onboard(patient);
  await walkIntake(patient, complaint);
  await patient.settled();
};

/** Replies sent after `count` earlier ones, once `settled` holds for them. */
async function repliesAfter(patient: MessengerDriver, count: number, settled: (replies: string[]) => boolean): Promise<string[]> {
  await expect.poll(() => settled(texts(patient).slice(count)), { timeout: 10_000, interval: 20 }).toBe(true);
  return texts(patient).slice(count);
}

async function staffHeaders(role: "doctor" | "operator" | "admin") {
  const email = `${role}-${Math.random().toString(36).slice(2)}@clinic.test`;
  const password = "correct horse battery staple 42";
  const created = await h.services.staff.create({ email, name: `Test ${role}`, role, password, specialties: ["gp"], languages: ["ru", "en"] });
  const login = await h.app.inject({ method: "POST", url: "/api/v1/auth/login", payload: { email, password, code: totpCode(created.totpSecret) } });
  expect(login.statusCode).toBe(200);
  return { staff: created.staff, headers: { cookie: String(login.headers["set-cookie"]).split(";")[0]!, "x-requested-with": "telecons-console" } };
}

describe.each(messengers)("the intake dialogue on %s", (_messenger, open) => {
  it("runs start → language → consents → triage → in-chat exam → async format in English, and shows the intake to the doctor", async () => {
    const user = open("en-US");
    await say(user, "/start");
    expect(texts(user).slice(0, 2)).toEqual([
      "Hello! This is Telecons, online consultations with a doctor.",
      "I will talk to you in English. You can choose another language below, now or later with /language.",
    ]);
    expect(buttonsOf(user.messages()[1]).map((b) => b.data)).toEqual(["lang:ru", "lang:en", "lang:uz", "lang:tg", "lang:ky", "lang:az"]);
    await press(user, "consent:personal_data:yes");
    await press(user, "consent:remote_care:yes");
    await say(user, "Sharp pain in the lower back since yesterday");
    expect(texts(user).at(-1)).toBe("What is it about? Choose the closest area:");
    await press(user, "intake:area:back_limbs");
    expect(texts(user).at(-1)).toBe("Did it start after an injury or a fall?");
    // A typed answer to a yes/no question is kept with the complaint and the question is asked again.
    await say(user, "I lifted a heavy box");
    expect(texts(user).slice(-2)).toEqual(["I have added this to the description of your complaint.", "Did it start after an injury or a fall?"]);
    await press(user, "intake:ans:0:yes");
    // Coming back with /start asks the pending question again instead of starting over.
    await say(user, "/start");
    expect(texts(user).at(-1)).toBe("Is there numbness or weakness in an arm or a leg?");
    await press(user, "intake:ans:1:no");
    expect(texts(user).at(-1)).toMatch(/^Now show where it hurts/);
    await press(user, "intake:exam:chat");
    expect(buttonsOf(lastWith(user, "Where does it hurt?")).map((b) => b.data)).toContain("intake:sev:back");
    await press(user, "intake:sev:back");
    await press(user, "intake:sev:back:7");
    await press(user, "intake:dur:back:7:days_1_3");
    expect(texts(user).slice(-2)).toEqual(["Thank you, the doctor will see this before the consultation.", "How would you like to consult the doctor?"]);
    await press(user, "intake:fmt:async");
    expect(texts(user).at(-1)).toMatch(/^Consultation No\. \d+ is open\. Send photos or documents now/);

    const patient = await patientOf(user);
    const consultation = await h.db.consultation.findFirstOrThrow({ where: { patientId: patient.id } });
    expect(consultation).toMatchObject({ kind: "async_chat", urgent: false });
    const doctor = await staffHeaders("doctor");
    const thread = await h.app.inject({ method: "GET", url: `/api/v1/consultations/${consultation.id}`, headers: doctor.headers });
    expect(thread.statusCode).toBe(200);
    expect(thread.json().intake).toEqual({
      complaint: "Sharp pain in the lower back since yesterday\nI lifted a heavy box",
      area: "back_limbs",
      answers: [{ questionId: "injury", answer: true }, { questionId: "numbness", answer: false }],
      exam: { regions: ["upper_back", "lower_back", "shoulder_blade_left", "shoulder_blade_right", "buttocks"], severity: 7, duration: "days_1_3", symptoms: [], medicines: "", allergies: "" },
      redFlags: [],
      urgent: false,
    });
  });

  it("answers a red flag in the middle of triage (Russian) with emergency instructions first, marks the consultation urgent and goes on", async () => {
    const user = open("ru");
    await onboard(user);
    await say(user, "Болит в груди с утра");
    await press(user, "intake:area:chest");
    const events: ConsultationEvent[] = [];
    const unsubscribe = await h.services.events.subscribe((event) => void ("consultationId" in event && events.push(event)));
    const before = texts(user).length;
    await press(user, "intake:ans:0:yes");
    const replies = await repliesAfter(user, before, (r) => r.length >= 2);
    expect(replies[0]).toMatch(/^⚠️ То, что вы описываете, может быть опасно для жизни\. Вызовите скорую помощь сейчас: 103/);
    expect(replies[1]).toBe("Какая боль?");
    const patient = await patientOf(user);
    const consultation = await h.db.consultation.findFirstOrThrow({ where: { patientId: patient.id } });
    expect(consultation.urgent).toBe(true);
    // The console hears of it at once, like any new consultation.
    await expect.poll(() => events.some((e) => e.type === "consultation.opened" && e.consultationId === consultation.id)).toBe(true);
    unsubscribe();
    expect(await h.db.intake.findFirstOrThrow({ where: { patientId: patient.id } })).toMatchObject({
      redFlags: ["chest_pain_breathless"], urgent: true, consultationId: consultation.id, step: "question",
    });
    // The intake continues and ends in the same consultation.
    await press(user, "intake:ans:1:pressing");
    await press(user, "intake:exam:skip");
    await press(user, "intake:fmt:async");
    expect(await h.db.consultation.count({ where: { patientId: patient.id } })).toBe(1);
    expect(texts(user).filter((t) => t.startsWith("⚠️"))).toHaveLength(1);
  });

  it("catches a red flag in the free-text complaint in Uzbek before asking anything", async () => {
    const user = open("uz");
    await onboard(user);
    const before = texts(user).length;
    await say(user, "Ko'kragim qattiq og'riyapti va nafas qisyapti");
    const replies = await repliesAfter(user, before, (r) => r.length >= 2);
    expect(replies[0]).toMatch(/^⚠️/);
    expect(replies[0]).toContain("103");
    expect(replies[1]).not.toMatch(/^⚠️/);
    const patient = await patientOf(user);
    expect((await h.db.consultation.findFirstOrThrow({ where: { patientId: patient.id } })).urgent).toBe(true);
  });

  it("opens the other formats: second opinion asks for documents, video now joins the queue", async () => {
    const second = open("en");
    await onboard(second);
    await walkIntake(second, "Please review my MRI report", { format: "second_opinion" });
    await second.settled();
    expect(texts(second).at(-1)).toMatch(/^Second-opinion request No\. \d+ is open\. Send your documents now/);
    expect((await h.db.consultation.findFirstOrThrow({ where: { patientId: (await patientOf(second)).id } })).kind).toBe("second_opinion");

    const video = open("ru");
    await onboard(video);
    await walkIntake(video, "Кашель неделю", { area: "cold", format: "video" });
    const patientId = (await patientOf(video)).id;
    const consultation = await h.db.consultation.findFirstOrThrow({ where: { patientId } });
    expect(await h.db.videoVisit.findFirstOrThrow({ where: { patientId } })).toMatchObject({ consultationId: consultation.id, specialty: "gp" });
  });

  it("raises a red flag in a later message to an open consultation: emergency first, consultation urgent", async () => {
    const user = open("en");
    await openConsultation(user, "Sore throat");
    const before = texts(user).length;
    await say(user, "Now I fainted in the kitchen");
    const replies = texts(user).slice(before);
    expect(replies[0]).toMatch(/^⚠️ What you describe may be dangerous to life\. Call an ambulance now: 103 \(or 112/);
    expect(replies[1]).toMatch(/^Added to consultation No\. \d+\.$/);
    const consultation = await h.db.consultation.findFirstOrThrow({ where: { patientId: (await patientOf(user)).id } });
    expect(consultation.urgent).toBe(true);
  });

  it("greets a Kyrgyz-speaking patient in Kyrgyz and lets them keep or change the language", async () => {
    const user = open("ky");
    await say(user, "/start");
    expect(texts(user).slice(0, 2)).toEqual([
      "Саламатсызбы! Бул Telecons — дарыгердин онлайн кеңеши.",
      "Мен сиз менен кыргызча сүйлөшөм. Төмөндө башка тилди тандасаңыз болот — азыр же кийин /language буйругу менен.",
    ]);
    expect(texts(user)[2]).toMatch(/^Дарыгер сизге жардам бериши үчүн жеке маалыматтарыңызды.*макулдугуңуз керек/);
    await press(user, "lang:tg");
    expect(texts(user).slice(-2)[0]).toBe("Тайёр, акнун ман бо шумо бо забони тоҷикӣ гап мезанам.");
    expect(texts(user).at(-1)).toMatch(/^Барои он ки духтур ба шумо ёрӣ расонад, розигии шумо барои коркарди маълумоти шахсӣ/);
  });

  it("refuses a number out of range with a clear message and keeps the question", async () => {
    const user = open("en");
    await onboard(user);
    await say(user, "My son is coughing");
    await press(user, "intake:area:child");
    await say(user, "forty");
    expect(texts(user).slice(-2)).toEqual(["Please send a number from 0 to 17.", "How old is the child (full years)? Send a number."]);
    await say(user, "4");
    expect(texts(user).at(-1)).toMatch(/^What is your temperature now/);
    const intake = await h.db.intake.findFirstOrThrow({ where: { patientId: (await patientOf(user)).id } });
    expect(intake.complaint).toBe("My son is coughing\nforty");
    expect(intake.answers).toEqual([{ questionId: "child_age", answer: 4 }]);
  });
});

describe.each(messengers)("consents on %s", (_messenger, open) => {
  it("shows given consents with version and local date, records a withdrawal and stops storing medical text", async () => {
    const user = open("en");
    await openConsultation(user, "Headache for two days");
    await say(user, "/consents");
    const list = lastWith(user, "Your consents:")!;
    expect(list.text).toMatch(/Processing of personal data: text version 2026-11-01, given \d{1,2} \w+ \d{4} at \d{2}:\d{2}/);
    await press(user, "consents:withdraw:personal_data");
    expect(texts(user).at(-1)).toMatch(/^If you withdraw this consent, we stop processing your data/);
    await press(user, "consents:confirm:personal_data");
    expect(texts(user).at(-2)).toMatch(/^Your consent is withdrawn and this is recorded/);
    expect(texts(user).at(-1)).toContain("personal data");

    const patient = await patientOf(user);
    const consent = await h.db.consent.findFirstOrThrow({ where: { patientId: patient.id, kind: "personal_data" } });
    expect(consent.withdrawnAt).toBeInstanceOf(Date);
    expect(await h.db.auditEvent.count({ where: { action: "consent.withdraw", entityId: consent.id } })).toBe(1);
    const messages = await h.db.message.count({ where: { consultation: { patientId: patient.id } } });
    await say(user, "Now I also have a fever");
    expect(texts(user).at(-2)).toBe("We need your consent first: without it we cannot accept medical information. Your message was not stored.");
    expect(await h.db.message.count({ where: { consultation: { patientId: patient.id } } })).toBe(messages);
    expect(await h.db.intake.count({ where: { patientId: patient.id, step: { not: "done" } } })).toBe(0);
    // An intake button from before the withdrawal stores nothing either.
    await press(user, "intake:area:head");
    expect(texts(user).at(-2)).toBe("We need your consent first: without it we cannot accept medical information. Your message was not stored.");
  });
});

describe("identity on Telegram", () => {
  it("confirms the phone by the patient's own Telegram contact and refuses someone else's", async () => {
    const user = telegramDriver(h, "uz");
    await onboard(user);
    await say(user, "/phone");
    expect(h.telegram.sent(user.user.id).at(-1)!.params.reply_markup).toMatchObject({ keyboard: [[{ request_contact: true }]] });
    await h.deliver(telegramUpdates.contact(h.nextUpdateId(), user.user, "+998901234567", user.user.id + 1));
    await user.settled();
    expect((await patientOf(user)).identityLevel).toBe("anonymous");
    const refusal = texts(user).at(-1);
    await h.deliver(telegramUpdates.contact(h.nextUpdateId(), user.user, "+998901234567", user.user.id));
    await user.settled();
    const patient = await patientOf(user);
    expect(patient.identityLevel).toBe("phone_confirmed");
    expect(texts(user).at(-1)).not.toBe(refusal);
    const proof = await h.db.identityVerification.findFirstOrThrow({ where: { patientId: patient.id } });
    expect(proof).toMatchObject({ method: "telegram_contact", level: "phone_confirmed" });
    expect(proof.subject).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("identity on MAX", () => {
  it("asks a MAX patient to type the number (MAX has no share-contact button) and confirms it by SMS code", async () => {
    const user = maxDriver(h, "uz");
    await onboard(user);
    await say(user, "/phone");
    const ask = h.max.sentTo(user.user).at(-1)!;
    expect(ask.text).toBe("Telefon raqamingizni tasdiqlaymiz. Uni shu yerga xabar sifatida yuboring (masalan, +998 90 123-45-67) — biz SMS orqali kod yuboramiz.");
    expect(ask.buttons).toEqual([]);
    await say(user, "+998 90 123-45-67");
    const code = /(\d{6})/.exec(h.services.devSms!.sent.findLast((s) => s.phone === "+998901234567")!.text)![1]!;
    await say(user, code);
    const patient = await patientOf(user);
    expect(patient.identityLevel).toBe("phone_confirmed");
    expect(await h.db.identityVerification.findFirstOrThrow({ where: { patientId: patient.id } })).toMatchObject({ method: "sms", level: "phone_confirmed" });
  });
});

describe.each(messengers)("identity on %s", (_messenger, open) => {
  it("confirms the phone by SMS code: wrong, right, and an expired code", async () => {
    const user = open("ru");
    await onboard(user);
    await say(user, "/phone");
    await say(user, "+7 (999) 123-45-67");
    expect(texts(user).at(-1)).toBe("Мы отправили 6-значный код на номер, оканчивающийся на 67. Пришлите его сюда.");
    const code = /(\d{6})/.exec(h.services.devSms!.sent.findLast((s) => s.phone === "+79991234567")!.text)![1]!;
    await say(user, code === "000000" ? "000001" : "000000");
    expect(texts(user).at(-1)).toBe("Код неверный. Проверьте СМС и попробуйте ещё раз.");
    await say(user, code);
    expect(texts(user).at(-1)).toBe("Спасибо, ваш номер телефона подтверждён.");
    expect((await patientOf(user)).identityLevel).toBe("phone_confirmed");

    const late = open("en");
    await onboard(late);
    await say(late, "/phone");
    await say(late, "+44 7700 900123");
    const lateCode = /(\d{6})/.exec(h.services.devSms!.sent.at(-1)!.text)![1]!;
    const patient = await patientOf(late);
    await h.services.redis.del(`${h.services.config.REDIS_PREFIX}:sms-code:${patient.id}`); // as Redis does at expiry
    await say(late, lateCode);
    expect(texts(late).at(-1)).toBe("The code has expired. Send /phone to get a new one.");
    expect((await patientOf(late)).identityLevel).toBe("anonymous");
  });

  it("limits wrong SMS codes and how often a code is sent", async () => {
    const user = open("en");
    await onboard(user);
    await say(user, "/phone");
    await say(user, "+7 999 000-11-22");
    const code = /(\d{6})/.exec(h.services.devSms!.sent.at(-1)!.text)![1]!;
    const wrong = code === "111111" ? "222222" : "111111";
    for (let i = 0; i < 5; i++) await say(user, wrong);
    expect(texts(user).at(-1)).toBe("Too many wrong attempts. Send /phone to get a new code.");
    await say(user, code);
    expect((await patientOf(user)).identityLevel).toBe("anonymous");
    // A new code within a minute of the last is refused: every SMS costs the clinic money.
    const sent = h.services.devSms!.sent.length;
    await say(user, "/phone");
    await say(user, "+7 999 000-11-22");
    expect(texts(user).at(-1)).toBe("A code was sent less than a minute ago. Please wait a minute and send /phone again.");
    expect(h.services.devSms!.sent.length).toBe(sent);
  });

  it("verifies identity through the OpenID Connect provider and refuses a forged id_token", async () => {
    const run = async (user: MessengerDriver) => {
      await say(user, "/verify");
      const link = buttonsOf(lastWith(user, "Gosuslugi"))[0]!.url!;
      const authorize = await fetch(link, { redirect: "manual" });
      const callback = new URL(authorize.headers.get("location")!);
      return h.app.inject({ method: "GET", url: `${callback.pathname}${callback.search}` });
    };
    const forged = open("en");
    await onboard(forged);
    oidc.forgeNext();
    expect((await run(forged)).statusCode).toBe(401);
    expect((await patientOf(forged)).identityLevel).toBe("anonymous");

    const user = open("en");
    await onboard(user);
    const response = await run(user);
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain("Личность подтверждена");
    const patient = await patientOf(user);
    expect(patient.identityLevel).toBe("verified");
    const proof = await h.db.identityVerification.findFirstOrThrow({ where: { patientId: patient.id } });
    expect(proof).toMatchObject({ method: "oidc", level: "verified" });
    expect(proof.subject).not.toContain("esia");
    await user.waitForText("Your identity is confirmed through Gosuslugi.");
  });
});

describe.each(messengers)("language and timezone on %s", (_messenger, open) => {
  it("changes the language with /language and the timezone with /timezone", async () => {
    const user = open("ru");
    await onboard(user);
    await say(user, "/language");
    await press(user, "lang:en");
    expect(texts(user).slice(-2)).toEqual([
      "Done, I will now talk to you in English.",
      "Please describe what is bothering you: symptoms, since when, and what you have already taken.",
    ]);
    expect((await patientOf(user)).language).toBe("en");
    await say(user, "/timezone");
    expect(buttonsOf(lastWith(user, "time zone")).map((b) => b.data)).toContain("tz:tashkent");
    await press(user, "tz:tashkent");
    const hour = new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Tashkent", hour: "2-digit", hourCycle: "h23" }).format(new Date());
    expect(texts(user).at(-1)).toMatch(new RegExp(`^Time zone: Tashkent\\. Your time now: \\d{1,2} \\w+ \\d{4} at ${hour}:\\d{2}\\.$`));
    expect((await patientOf(user)).timezone).toBe("Asia/Tashkent");
  });
});

// Staff routes and the red-flag list: the patient's messenger does not matter to them.
describe("staff: identity and the red-flag list", () => {
  it("lets the patient's doctor verify a patient (audited), not another doctor nor an operator", async () => {
    const user = telegramDriver(h, "ru");
    await onboard(user);
    const patient = await patientOf(user);
    const url = `/api/v1/patients/${patient.id}/identity/verify`;
    const operator = await staffHeaders("operator");
    expect((await h.app.inject({ method: "POST", url, headers: operator.headers })).statusCode).toBe(403);
    const doctor = await staffHeaders("doctor");
    // Verification unlocks documents and lab results in the account: not for a doctor who does not treat the patient.
    expect((await h.app.inject({ method: "POST", url, headers: doctor.headers })).statusCode).toBe(403);
    await h.careOf(doctor.staff.doctor!.id, patient.id);
    const done = await h.app.inject({ method: "POST", url, headers: doctor.headers });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toEqual({ identityLevel: "verified" });
    expect(await h.db.auditEvent.count({ where: { action: "identity.verify", entityId: patient.id, actorId: doctor.staff.doctor!.id } })).toBe(1);
  });

  it("lets an admin read and replace the red-flag list, audited, and matches the new list", async () => {
    const admin = await staffHeaders("admin");
    const doctor = await staffHeaders("doctor");
    expect((await h.app.inject({ method: "GET", url: "/api/v1/red-flags", headers: doctor.headers })).statusCode).toBe(403);
    const current = await h.app.inject({ method: "GET", url: "/api/v1/red-flags", headers: admin.headers });
    expect(current.statusCode).toBe(200);
    const rules = current.json().rules as Array<{ id: string }>;
    expect(rules.map((r) => r.id)).toContain("stroke_signs");
    const bad = await h.app.inject({ method: "PUT", url: "/api/v1/red-flags", headers: admin.headers, payload: { rules: [{ id: "X" }] } });
    expect(bad.statusCode).toBe(400);
    const added = [...rules, { id: "testicular_torsion", label: "Testicular torsion", phrases: { en: [["testicle* pain*"]] }, answers: [] }];
    const saved = await h.app.inject({ method: "PUT", url: "/api/v1/red-flags", headers: admin.headers, payload: { rules: added } });
    expect(saved.statusCode).toBe(200);
    expect(await h.db.auditEvent.count({ where: { action: "red_flags.replace", actorId: admin.staff.id } })).toBe(1);

    for (const [, open] of messengers) {
      const user = open("en");
      await onboard(user);
      await say(user, "Sudden testicle pain");
      expect(texts(user).find((t) => t.startsWith("⚠️"))).toBeDefined();
    }
    await h.app.inject({ method: "PUT", url: "/api/v1/red-flags", headers: admin.headers, payload: { rules } });
  });
});
