import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { messageAttachmentSchema } from "../core/channels/attachment";
import { maxDriver, onboard } from "./helpers/channel-drivers";
import { consoleDoctor, notReallyPdf, samplePdf, samplePng } from "./helpers/channel-fixtures";
import { startHarness, type Harness } from "./helpers/harness";
import { walkIntake } from "./helpers/intake-steps";

const WEBHOOK_URL = "https://telecons.clinic.test/webhooks/max";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ MAX_WEBHOOK_URL: WEBHOOK_URL, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent" });
});
afterAll(async () => {
  await h?.close();
});

const consultationOf = (externalUserId: string) => h.db.consultation.findFirstOrThrow({ where: { account: { channel: "max", externalUserId } } });
const postRaw = (payload: object, secret?: string) =>
  h.app.inject({ method: "POST", url: "/webhooks/max", headers: secret === undefined ? {} : { "x-max-bot-api-secret": secret }, payload });

describe("MAX webhook", () => {
  it("subscribed its URL with the secret and the three update types at start", () => {
    expect(h.max.subscriptions).toEqual([{ url: WEBHOOK_URL, secret: h.max.secret, update_types: ["message_created", "message_callback", "bot_started"] }]);
  });

  it("answers 401 to a missing or wrong secret before anything is stored, queued or sent", async () => {
    const patient = maxDriver(h, "ru");
    const update = h.max.updatesFor.message(patient.user, "/start");
    for (const secret of [undefined, "", "wrong-secret-0123456789", `${h.max.secret}x`]) {
      const response = await postRaw(update, secret);
      expect(response.statusCode).toBe(401);
    }
    // Even a body that is not JSON at all gets the 401, not a parse error.
    const garbage = await h.app.inject({ method: "POST", url: "/webhooks/max", headers: { "content-type": "application/json" }, payload: "{not json" });
    expect(garbage.statusCode).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 500));
    // This patient's chat, not the stand-in as a whole: another suite's harness on the shared test database may deliver
    // its own leftover outbox rows through this one meanwhile.
    expect(h.max.sent.filter((m) => m.chatId === patient.user.chatId)).toEqual([]);
    expect(await h.db.inboundEvent.count({ where: { id: `max-${update.message.body.mid}` } })).toBe(0);
    expect(await h.db.messengerAccount.count({ where: { channel: "max", externalUserId: patient.externalUserId } })).toBe(0);
  });

  it("acknowledges a malformed update with 200 and keeps it once as a dead letter, never handled", async () => {
    const patient = maxDriver(h, "ru");
    const update = h.max.updatesFor.message(patient.user, "/start");
    const poison = { ...update, message: { ...update.message, sender: { user_id: "not a number" } } };
    for (let i = 0; i < 2; i++) expect((await postRaw(poison, h.max.secret)).statusCode).toBe(200);
    const dead = await h.db.inboundEvent.findMany({ where: { channel: "max", status: "dead", lastError: { contains: "message.sender.user_id" } } });
    expect(dead).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.max.sentTo(patient.user)).toEqual([]);
  });

  it("handles a redelivered update once and does not keep group chats or other update types", async () => {
    const patient = maxDriver(h, "ru");
    const update = h.max.updatesFor.message(patient.user, "/start");
    await patient.post(update);
    await patient.post(update);
    await patient.waitForText("Здравствуйте");
    const id = `max-${update.message.body.mid}`;
    await expect.poll(async () => (await h.db.inboundEvent.findUnique({ where: { id } }))?.status).toBe("processed");
    await patient.post(update);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(patient.texts().filter((t) => t.startsWith("Здравствуйте"))).toHaveLength(1);

    const group = h.max.updatesFor.message(patient.user, "/start");
    group.message.recipient.chat_type = "chat";
    await patient.post(group);
    await patient.post({ update_type: "message_edited", timestamp: Date.now(), message: update.message });
    expect(await h.db.inboundEvent.count({ where: { id: `max-${group.message.body.mid}` } })).toBe(0);
  });
});

describe("the dialogue on MAX", () => {
  it("asks the consents with inline callback buttons, opens a consultation and delivers the doctor's reply with a photo and a PDF (ru)", async () => {
    const patient = maxDriver(h, "ru");
    await patient.say("/start");
    await patient.waitForText("Чтобы врач мог вам помочь");
    const ask = h.max.sentTo(patient.user).at(-1)!;
    expect(ask.buttons[0]!.map((b) => [b.type, b.text, b.payload])).toEqual([
      ["callback", "Согласен(на)", "consent:personal_data:yes"],
      ["callback", "Не согласен(на)", "consent:personal_data:no"],
    ]);
    await patient.press("consent:personal_data:yes");
    await patient.press("consent:remote_care:yes");
    await patient.waitForText("Опишите, пожалуйста, что вас беспокоит");
    await walkIntake(patient, "Болит ухо третий день");
    await patient.waitForText("Обращение №");
    // The body map opens from a link button (a one-time link: MAX has no Telegram Mini App to sign it).
    const links = h.max.sentTo(patient.user).flatMap((m) => m.buttons.flat()).filter((b) => b.type === "link");
    expect(links.some((b) => /\/exam\/link\/[\w-]+$/.test(b.url!))).toBe(true);
    const consultation = await consultationOf(patient.externalUserId);

    const doctor = await consoleDoctor(h);
    await doctor.reply(consultation.id, "Капли и схема во вложении", [
      { fileName: "схема.png", mimeType: "image/png", bytes: samplePng },
      { fileName: "памятка.pdf", mimeType: "application/pdf", bytes: samplePdf },
    ]);
    await patient.waitForText("Врач Anna Petrova:\nКапли и схема во вложении");
    await expect.poll(() => h.max.sentTo(patient.user).flatMap((m) => m.files).length).toBe(2);
    const files = h.max.sentTo(patient.user).flatMap((m) => m.files);
    expect(files.map((f) => [f.type, f.fileName])).toEqual([
      ["image", "схема.png"],
      ["file", "памятка.pdf"],
    ]);
    expect(files[0]!.bytes.equals(samplePng)).toBe(true);
    expect(files[1]!.bytes.equals(samplePdf)).toBe(true);
  });

  it("splits a doctor's reply past MAX's 4000 characters into two messages at a line break", async () => {
    const patient = maxDriver(h, "ru");
    await onboard(patient);
    await walkIntake(patient, "Вопрос по анализам");
    await patient.waitForText("Обращение №");
    const consultation = await consultationOf(patient.externalUserId);
    const reply = `${"Первая часть. ".repeat(200).trim()}\n${"Вторая часть. ".repeat(85).trim()}`;
    const doctor = await consoleDoctor(h);
    await doctor.reply(consultation.id, reply);
    await patient.waitForText("Вторая часть.");
    const parts = patient.texts().slice(-2);
    expect(parts[0]).toMatch(/^Врач Anna Petrova:\nПервая часть\./);
    expect(parts.every((p) => p.length <= 4000)).toBe(true);
    expect(parts.join("\n")).toBe(`Врач Anna Petrova:\n${reply}`);
  });

  it("speaks the language MAX reports, and keeps an incoming image in the consultation (en-US)", async () => {
    const patient = maxDriver(h, "en-US");
    await onboard(patient);
    await patient.waitForText("Please describe what is bothering you");
    await walkIntake(patient, "My knee is swollen");
    await patient.waitForText("Consultation No.");
    await patient.post(h.max.updatesFor.message(patient.user, "the knee", [h.max.updatesFor.image(h.max.addFile(samplePng))]));
    const consultation = await consultationOf(patient.externalUserId);
    await patient.waitForText(`The file is added to consultation No. ${consultation.number} (1 of 10).`);
    const message = await h.db.message.findFirstOrThrow({ where: { consultationId: consultation.id, text: "the knee" } });
    const [attachment] = messageAttachmentSchema.array().parse(message.attachments);
    expect(attachment).toMatchObject({ kind: "photo", mimeType: "image/png" });
    expect((await h.services.files.read(attachment!.fileId)).bytes.equals(samplePng)).toBe(true);
  });

  it("keeps a PDF, and refuses an oversized and a wrong-type file in the patient's language (ru)", async () => {
    const patient = maxDriver(h, "ru");
    await onboard(patient);
    await walkIntake(patient, "Результаты анализов");
    await patient.waitForText("Обращение №");
    const consultation = await consultationOf(patient.externalUserId);
    await patient.post(h.max.updatesFor.message(patient.user, null, [h.max.updatesFor.file(h.max.addFile(samplePdf), "анализы.pdf", samplePdf.length)]));
    await patient.waitForText(`Файл добавлен к консультации № ${consultation.number}`);
    await patient.post(h.max.updatesFor.message(patient.user, null, [h.max.updatesFor.file(h.max.addFile(samplePdf), "scan.pdf", 12 * 1024 * 1024)]));
    await patient.waitForText("Файл больше 10 МБ");
    await patient.post(h.max.updatesFor.message(patient.user, null, [h.max.updatesFor.file(h.max.addFile(notReallyPdf), "analysis.pdf", notReallyPdf.length)]));
    await patient.waitForText("Этот тип файла мы не принимаем");
    const messages = await h.db.message.findMany({ where: { consultationId: consultation.id } });
    expect(messageAttachmentSchema.array().parse(messages.flatMap((m) => m.attachments as unknown[]))).toMatchObject([{ kind: "document", mimeType: "application/pdf" }]);
  });

  it("takes a typed /start like the Start button, and retries a 429 and a 5xx until MAX accepts the reply", async () => {
    const patient = maxDriver(h, "ru");
    h.max.failNext(patient.user, 1, 429, "too.many.requests", "Too many requests");
    h.max.failNext(patient.user, 1, 503, "service.unavailable", "Service unavailable");
    await patient.post(h.max.updatesFor.message(patient.user, "/start"));
    await patient.waitForText("Здравствуйте");
    const first = () => h.db.outboxMessage.findFirstOrThrow({ where: { account: { channel: "max", externalUserId: patient.externalUserId } }, orderBy: { createdAt: "asc" } });
    // MAX has the message before the worker records it as sent.
    await expect.poll(async () => (await first()).status).toBe("sent");
    expect((await first()).attempts).toBeGreaterThanOrEqual(3);
  });

  it("marks a patient who blocked the bot unreachable (403) instead of retrying", async () => {
    const patient = maxDriver(h, "ru");
    h.max.failNext(patient.user, 1, 403, "chat.denied", "chat.denied: dialog is suspended");
    await patient.say("/start");
    await expect
      .poll(async () => (await h.db.messengerAccount.findFirst({ where: { channel: "max", externalUserId: patient.externalUserId } }))?.unreachableAt, { timeout: 10_000 })
      .toBeInstanceOf(Date);
  });
});

describe("MAX long polling (development)", () => {
  let lp: Harness;
  beforeAll(async () => {
    lp = await startHarness({ MAX_MODE: "polling", LOG_LEVEL: "silent" });
  });
  afterAll(async () => {
    await lp?.close();
  });

  it("takes updates from GET /updates through the same table and queue, and has no webhook", async () => {
    const user = lp.max.newUser("en");
    lp.max.pushUpdate(lp.max.updatesFor.botStarted(user));
    await expect.poll(() => lp.max.sentTo(user).some((m) => m.text.startsWith("Hello! This is Telecons")), { timeout: 15_000 }).toBe(true);
    lp.max.pushUpdate(lp.max.updatesFor.callback(user, "consent:personal_data:yes"));
    await expect.poll(() => lp.db.inboundEvent.count({ where: { channel: "max", chatKey: `max:${user.chatId}`, status: "processed" } }), { timeout: 15_000 }).toBe(2);
    expect(lp.max.calls.some((c) => c.path === "/updates")).toBe(true);
    expect(lp.max.subscriptions).toEqual([]);
    const response = await lp.app.inject({ method: "POST", url: "/webhooks/max", headers: { "x-max-bot-api-secret": lp.max.secret }, payload: lp.max.updatesFor.botStarted(user) });
    expect(response.statusCode).toBe(401);
  });
});
