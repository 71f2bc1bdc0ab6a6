import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomIdFor } from "../bots/vk/vk-channel";
import { messageAttachmentSchema } from "../core/channels/attachment";
import { InboundStore } from "../core/inbound/inbound-repository";
import { onboard, vkDriver } from "./helpers/channel-drivers";
import { consoleDoctor, notReallyPdf, samplePdf, samplePng } from "./helpers/channel-fixtures";
import { startHarness, type Harness } from "./helpers/harness";
import { walkIntake } from "./helpers/intake-steps";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent" });
});
afterAll(async () => {
  await h?.close();
});

const consultationOf = (externalUserId: string) =>
  h.db.consultation.findFirstOrThrow({ where: { account: { channel: "vk", externalUserId } } });

describe("VK Callback API", () => {
  it("answers the confirmation request with VK_CONFIRMATION as plain text", async () => {
    const response = await h.app.inject({ method: "POST", url: "/webhooks/vk", payload: h.vk.events.confirmation() });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^text\/plain/);
    expect(response.body).toBe(h.vk.confirmation);
  });

  it("rejects a wrong secret, or another group, with nothing stored, queued or sent", async () => {
    const patient = vkDriver(h);
    const callsBefore = h.vk.calls.length;
    const good = h.vk.events.message(patient.user, "/start");
    for (const forged of [{ ...good, secret: "WrongSecret123" }, { ...good, secret: undefined }, { ...good, group_id: 1 }]) {
      const response = await h.app.inject({ method: "POST", url: "/webhooks/vk", payload: forged });
      expect(response.statusCode).toBe(403);
      expect(response.body).not.toBe("ok");
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(h.vk.calls.length).toBe(callsBefore);
    expect(await h.db.inboundEvent.count({ where: { id: `vk-${h.vk.groupId}-${good.event_id}` } })).toBe(0);
    expect(await h.db.messengerAccount.count({ where: { channel: "vk", externalUserId: patient.externalUserId } })).toBe(0);
  });

  it("runs consents with keyboard buttons, opens a consultation and delivers the doctor's reply with a photo (ru)", async () => {
    const patient = vkDriver(h, 0);
    await patient.say("/start");
    await patient.waitForText("Чтобы врач мог вам помочь");
    const ask = h.vk.sentTo(patient.user.id).at(-1)!;
    expect(ask.keyboard).toMatchObject({ inline: true });
    expect(ask.keyboard!.buttons[0]!.map((b) => [b.action.type, b.action.label, JSON.parse(b.action.payload!)])).toEqual([
      ["text", "Согласен(на)", { d: "consent:personal_data:yes" }],
      ["text", "Не согласен(на)", { d: "consent:personal_data:no" }],
    ]);
    await patient.press("consent:personal_data:yes");
    await patient.press("consent:remote_care:yes");
    await patient.waitForText("Опишите, пожалуйста, что вас беспокоит");
    await walkIntake(patient, "Болит ухо третий день");
    await patient.waitForText("Обращение №");
    const consultation = await consultationOf(patient.externalUserId);

    const doctor = await consoleDoctor(h);
    await doctor.reply(consultation.id, "Капли во вложении", [{ fileName: "схема.png", mimeType: "image/png", bytes: samplePng }]);
    await patient.waitForText("Врач Anna Petrova:\nКапли во вложении");
    await h.vk.waitFor(() => h.vk.sentTo(patient.user.id).some((m) => m.attachment));
    const withPhoto = h.vk.sentTo(patient.user.id).find((m) => m.attachment)!;
    expect(withPhoto.attachment).toMatch(/^photo-\d+_\d+_k\d+$/);
    expect(h.vk.uploads.get(withPhoto.attachment!)).toMatchObject({ field: "photo", fileName: "схема.png" });
    expect(h.vk.uploads.get(withPhoto.attachment!)!.bytes.equals(samplePng)).toBe(true);
    // random_id is derived from the outbox row, so a retried send is the same message to VK.
    const rows = await h.db.outboxMessage.findMany({ where: { account: { channel: "vk", externalUserId: patient.externalUserId } } });
    expect(rows.map((r) => String(randomIdFor(r.id)))).toContain(withPhoto.randomId);
  });

  it("speaks English to a VK user whose client reports English, and keeps an incoming photo", async () => {
    const patient = vkDriver(h, 3);
    await onboard(patient);
    await patient.waitForText("Please describe what is bothering you");
    await walkIntake(patient, "My knee is swollen");
    await patient.waitForText("Consultation No.");
    await h.app.inject({
      method: "POST",
      url: "/webhooks/vk",
      payload: h.vk.events.message(patient.user, "the knee", { attachments: [h.vk.events.photo(h.vk.addFile(samplePng))] }),
    });
    const consultation = await consultationOf(patient.externalUserId);
    await patient.waitForText(`The file is added to consultation No. ${consultation.number} (1 of 10).`);
    const message = await h.db.message.findFirstOrThrow({ where: { consultationId: consultation.id, text: "the knee" } });
    const [attachment] = messageAttachmentSchema.array().parse(message.attachments);
    expect((await h.services.files.read(attachment!.fileId)).bytes.equals(samplePng)).toBe(true);
  });

  it("refuses an oversized and a wrong-type document in the patient's language", async () => {
    const patient = vkDriver(h, 0);
    await onboard(patient);
    await walkIntake(patient, "Результаты анализов");
    await patient.waitForText("Обращение №");
    const big = h.vk.events.doc(h.vk.addFile(samplePdf), "scan.pdf", 12 * 1024 * 1024);
    await patient.post(h.vk.events.message(patient.user, "", { attachments: [big] }));
    await patient.waitForText("Файл больше 10 МБ");
    const fake = h.vk.events.doc(h.vk.addFile(notReallyPdf), "analysis.pdf", notReallyPdf.length);
    await patient.post(h.vk.events.message(patient.user, "", { attachments: [fake] }));
    await patient.waitForText("Этот тип файла мы не принимаем");
    const consultation = await consultationOf(patient.externalUserId);
    const messages = await h.db.message.findMany({ where: { consultationId: consultation.id } });
    expect(messages.flatMap((m) => m.attachments as unknown[])).toEqual([]);
  });

  it("processes a redelivered event once: the inbound row, kept as processed, is the dedupe", async () => {
    const patient = vkDriver(h, 0);
    const event = h.vk.events.message(patient.user, "/start");
    await patient.post(event);
    await patient.post(event);
    await patient.waitForText("Здравствуйте");
    const id = `vk-${h.vk.groupId}-${event.event_id}`;
    await expect.poll(async () => (await h.db.inboundEvent.findUnique({ where: { id } }))?.status).toBe("processed");
    await patient.post(event);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(patient.texts().filter((t) => t.startsWith("Здравствуйте"))).toHaveLength(1);
    // The secret is ours, not the patient's: it is not kept.
    expect(JSON.stringify((await h.db.inboundEvent.findUniqueOrThrow({ where: { id } })).payload)).not.toContain(h.vk.secret);
  });

  it("acknowledges a message of the wrong shape with ok and keeps it as a dead letter, never handled", async () => {
    const patient = vkDriver(h, 0);
    const event = h.vk.events.message(patient.user, "/start");
    const poison = { ...event, object: { message: { ...(event.object as { message: object }).message, from_id: "not a number" } } };
    for (let i = 0; i < 2; i++) {
      const response = await h.app.inject({ method: "POST", url: "/webhooks/vk", payload: poison });
      expect(response.statusCode).toBe(200);
      expect(response.body).toBe("ok");
    }
    const dead = await h.db.inboundEvent.findMany({ where: { channel: "vk", status: "dead", lastError: { contains: "from_id" } } });
    expect(dead).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.vk.sentTo(patient.user.id)).toEqual([]);
  });
});

describe("the inbound table", () => {
  it("hands this deployment's workers only its own events, never another's on the same database", async () => {
    const ours = new InboundStore(h.db, `test-ours-${randomUUID()}`);
    const theirs = new InboundStore(h.db, `test-theirs-${randomUUID()}`);
    const event = () => ({ id: `vk-1-${randomUUID()}`, chatKey: `vk:${randomUUID()}` });
    const [mine, other] = [event(), event()];
    expect(await ours.accept("vk", mine, { type: "message_new" })).toBe(true);
    expect(await ours.accept("vk", mine, { type: "message_new" })).toBe(false);
    await theirs.accept("vk", other, { type: "message_new" });
    expect((await ours.claimHeads(10, 60_000)).map((row) => row.id)).toEqual([mine.id]);
    // Claimed: no other worker takes it while the claim lasts.
    expect(await ours.claimHeads(10, 60_000)).toEqual([]);
    await ours.finish(mine.id);
    await theirs.finish(other.id);
  });
});

describe("VK long poll (development)", () => {
  let lp: Harness;
  beforeAll(async () => {
    lp = await startHarness({ VK_MODE: "longpoll", LOG_LEVEL: "silent" });
  });
  afterAll(async () => {
    await lp?.close();
  });

  it("takes events from Bots Long Poll through the same queue, and has no callback route", async () => {
    const user = { id: 777_000_111, langId: 3 };
    lp.vk.pushLongPoll(lp.vk.events.message(user, "/start"));
    await lp.vk.waitFor(() => lp.vk.sentTo(user.id).some((m) => m.text.startsWith("Hello! This is Telecons")));
    expect(lp.vk.calls.some((c) => c.method === "groups.getLongPollServer")).toBe(true);
    const response = await lp.app.inject({ method: "POST", url: "/webhooks/vk", payload: lp.vk.events.confirmation() });
    expect(response.statusCode).toBe(404);
  });
});
