import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { messageAttachmentSchema } from "../core/channels/attachment";
import { consoleDoctor, notReallyPdf, samplePdf, samplePng } from "./helpers/channel-fixtures";
import { startHarness, type Harness } from "./helpers/harness";
import { telegramUpdates } from "./helpers/telegram-stand-in";
import { walkIntake } from "./helpers/intake-steps";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const texts = (chatId: number) => h.telegram.sent(chatId).map((call) => String(call.params.text));
const waitForText = (chatId: number, start: string) => h.telegram.waitFor(() => texts(chatId).some((t) => t.startsWith(start)));
type User = { id: number; languageCode: string };

async function sendPhoto(user: User, bytes: Buffer, reportedSize?: number, caption?: string) {
  const file = h.telegram.addFile(bytes, reportedSize);
  const response = await h.postUpdate(telegramUpdates.photo(h.nextUpdateId(), user, file, caption));
  expect(response.statusCode).toBe(200);
  return file;
}
async function sendDocument(user: User, bytes: Buffer, fileName: string, reportedSize?: number) {
  const file = h.telegram.addFile(bytes, reportedSize);
  const response = await h.postUpdate(telegramUpdates.document(h.nextUpdateId(), user, file, fileName));
  expect(response.statusCode).toBe(200);
  return file;
}
async function openConsultation(user: User, complaint: string) {
  await h.onboard(user);
  await walkIntake(h.chat(user), complaint);
  return expect.poll(() => h.db.consultation.findFirst({ where: { account: { externalUserId: String(user.id) } } })).toBeTruthy();
}
const consultationOf = (user: User) => h.db.consultation.findFirstOrThrow({ where: { account: { externalUserId: String(user.id) } } });

describe("Telegram photos and documents from the patient", () => {
  it("asks for the complaint first, then keeps a photo encrypted in the consultation and shows it to the console (en)", async () => {
    const user = h.newPatient("en");
    await h.onboard(user);
    await sendPhoto(user, samplePng);
    await waitForText(user.id, "Please describe in a text message what is bothering you first");

    await walkIntake(h.chat(user), "A rash on my arm");
    await waitForText(user.id, "Consultation No.");
    const photo = await sendPhoto(user, samplePng, undefined, "this is the rash");
    const consultation = await consultationOf(user);
    await waitForText(user.id, `The file is added to consultation No. ${consultation.number} (1 of 10).`);
    const message = await h.db.message.findFirstOrThrow({ where: { consultationId: consultation.id, text: "this is the rash" } });
    const [attachment] = messageAttachmentSchema.array().parse(message.attachments);
    expect(attachment).toMatchObject({ kind: "photo", mimeType: "image/png", size: samplePng.length });
    expect((await h.services.files.read(attachment!.fileId)).bytes.equals(samplePng)).toBe(true);
    // The largest size was fetched (getFile + download), not the thumbnail.
    expect(h.telegram.calls.some((c) => c.method === "getFile" && c.params.file_id === photo.fileId)).toBe(true);
    expect(await h.db.auditEvent.count({ where: { action: "file.upload", entityId: attachment!.fileId, actorType: "patient" } })).toBe(1);

    const doctor = await consoleDoctor(h);
    const thread = await h.app.inject({ method: "GET", url: `/api/v1/consultations/${consultation.id}`, headers: doctor.headers });
    expect(thread.json().messages.flatMap((m: { attachments: unknown[] }) => m.attachments)).toMatchObject([{ fileId: attachment!.fileId }]);
  });

  it("keeps a PDF document, recognised from its bytes (ru)", async () => {
    const user = h.newPatient("ru");
    await openConsultation(user, "Анализы крови");
    await sendDocument(user, samplePdf, "анализы.pdf");
    const consultation = await consultationOf(user);
    await waitForText(user.id, `Файл добавлен к консультации № ${consultation.number}`);
    const message = await h.db.message.findFirstOrThrow({ where: { consultationId: consultation.id, text: "" } });
    expect(messageAttachmentSchema.array().parse(message.attachments)).toMatchObject([{ kind: "document", mimeType: "application/pdf" }]);
  });

  it.each([
    ["ru", "Файл больше 10 МБ, мы не можем его принять.", "Этот тип файла мы не принимаем."],
    ["en", "The file is larger than 10 MB, so we cannot accept it.", "We do not accept this type of file."],
    ["uz", "Fayl 10 MB dan katta, uni qabul qila olmaymiz.", "Bunday turdagi faylni qabul qilmaymiz."],
  ])("refuses an oversized file without downloading it and a wrong type whatever its name (%s)", async (language, tooBig, wrongType) => {
    const user = h.newPatient(language);
    await openConsultation(user, "complaint / жалоба / shikoyat");
    const big = await sendDocument(user, samplePdf, "scan.pdf", 11 * 1024 * 1024);
    await waitForText(user.id, tooBig);
    expect(h.telegram.calls.some((c) => c.params.file_id === big.fileId)).toBe(false);
    await sendDocument(user, notReallyPdf, "analysis.pdf");
    await waitForText(user.id, wrongType);
    const consultation = await consultationOf(user);
    const stored = await h.db.message.findMany({ where: { consultationId: consultation.id } });
    expect(stored.flatMap((m) => m.attachments as unknown[])).toEqual([]);
  });
});

describe("files from the doctor to Telegram", () => {
  it("sends the console's attachments with sendPhoto and sendDocument after the text", async () => {
    const user = h.newPatient("ru");
    await openConsultation(user, "Болит горло");
    const consultation = await consultationOf(user);
    const doctor = await consoleDoctor(h);
    await doctor.reply(consultation.id, "Схема полоскания во вложении", [
      { fileName: "схема.pdf", mimeType: "application/pdf", bytes: samplePdf },
      { fileName: "горло.png", mimeType: "image/png", bytes: samplePng },
    ]);
    await h.telegram.waitFor(() => h.telegram.sentFiles.filter((f) => f.chatId === String(user.id)).length === 2);
    const files = h.telegram.sentFiles.filter((f) => f.chatId === String(user.id));
    expect(files.map((f) => [f.method, f.fileName])).toEqual([
      ["sendDocument", "схема.pdf"],
      ["sendPhoto", "горло.png"],
    ]);
    expect(files[0]!.bytes.equals(samplePdf)).toBe(true);
    expect(files[1]!.bytes.equals(samplePng)).toBe(true);
    const methods = h.telegram.calls.filter((c) => String(c.params.chat_id) === String(user.id)).map((c) => c.method);
    expect(methods.lastIndexOf("sendMessage")).toBeLessThan(methods.indexOf("sendDocument"));
  });
});
