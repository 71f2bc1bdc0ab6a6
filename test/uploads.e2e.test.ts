import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { messageAttachmentSchema } from "../core/channels/attachment";
import { consoleDoctor } from "./helpers/channel-fixtures";
import { startHarness, type Harness } from "./helpers/harness";
import { realPdf, sampleJpeg } from "./helpers/image-fixtures";
import { walkIntake } from "./helpers/intake-steps";
import { encodePng, pngHeader } from "./helpers/png";
import { telegramUpdates } from "./helpers/telegram-stand-in";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const hugePng = pngHeader(20_000, 20_000);

describe("staff uploads (POST /api/v1/files) are checked like a patient's", () => {
  const upload = async (headers: Record<string, string>, fileName: string, mimeType: string, bytes: Buffer) =>
    h.app.inject({ method: "POST", url: "/api/v1/files", headers, payload: { fileName, mimeType, base64: bytes.toString("base64") } });

  it("keeps a real PDF, PNG and JPEG as sent", async () => {
    const doctor = await consoleDoctor(h);
    const files: Array<[string, string, Buffer]> = [
      ["памятка.pdf", "application/pdf", await realPdf()],
      ["схема.png", "image/png", encodePng(64, 48, 3, (x) => [x * 4, 120, 90])],
      ["фото.jpg", "image/jpeg", sampleJpeg],
    ];
    for (const [fileName, mimeType, bytes] of files) {
      const response = await upload(doctor.headers, fileName, mimeType, bytes);
      expect(response.statusCode).toBe(201);
      const stored = await h.services.files.read(response.json().id);
      expect(stored).toMatchObject({ mimeType, fileName });
      expect(stored.bytes.equals(bytes)).toBe(true);
    }
  });

  it("refuses HTML declared as a PDF, a JPEG declared as a PNG and a 20000×20000 PNG, storing nothing", async () => {
    const doctor = await consoleDoctor(h);
    const before = await h.db.storedFile.count();
    const html = Buffer.from('<!doctype html><html><body><script>fetch("/api/v1/me")</script></body></html>');
    const cases: Array<[string, string, Buffer, string]> = [
      ["анализы.pdf", "application/pdf", html, "the file's content is not application/pdf (nor any type accepted here)"],
      ["снимок.png", "image/png", sampleJpeg, "the file's content is image/jpeg, not image/png"],
      ["огромный.png", "image/png", hugePng, "the image is 20000×20000 pixels; at most 40 megapixels are accepted"],
    ];
    for (const [fileName, mimeType, bytes, message] of cases) {
      const response = await upload(doctor.headers, fileName, mimeType, bytes);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: "validation", message });
    }
    expect(await h.db.storedFile.count()).toBe(before);
  });
});

describe("a patient's oversized image through Telegram", () => {
  const texts = (chatId: number) => h.telegram.sent(chatId).map((call) => String(call.params.text));

  it.each([
    ["ru", "Изображение слишком большое (20000×20000 пикселей): мы принимаем снимки до 40 мегапикселей.", "Файл добавлен к консультации №"],
    ["tg", "Тасвир хеле калон аст (20000×20000 пиксел): мо аксҳои то 40 мегапикселро қабул мекунем.", "Файл ба машварати №"],
    ["az", "Şəkil çox böyükdür (20000×20000 piksel): 40 meqapikselə qədər şəkilləri qəbul edirik.", "Fayl №"],
  ])("is refused in the patient's language and the dialogue goes on (%s)", async (language, refusal, received) => {
    const user = { id: h.newPatient(language).id, languageCode: language };
    await h.onboard(user);
    await walkIntake(h.chat(user), "complaint / жалоба / şikayət");
    const consultationOf = () => h.db.consultation.findFirst({ where: { account: { externalUserId: String(user.id) } } });
    await expect.poll(consultationOf).toBeTruthy();
    const consultation = (await consultationOf())!;

    const huge = h.telegram.addFile(hugePng);
    expect((await h.postUpdate(telegramUpdates.photo(h.nextUpdateId(), user, huge))).statusCode).toBe(200);
    await h.telegram.waitFor(() => texts(user.id).some((t) => t.startsWith(refusal)));

    // Nothing is lost: the next photo and text are taken as usual.
    const photo = encodePng(40, 30, 3, () => [220, 150, 130]);
    const small = h.telegram.addFile(photo);
    expect((await h.postUpdate(telegramUpdates.photo(h.nextUpdateId(), user, small, "вот / here"))).statusCode).toBe(200);
    await h.telegram.waitFor(() => texts(user.id).some((t) => t.startsWith(received)));
    const attachments = (await h.db.message.findMany({ where: { consultationId: consultation.id } })).flatMap((m) =>
      messageAttachmentSchema.array().parse(m.attachments),
    );
    expect(attachments).toMatchObject([{ kind: "photo", mimeType: "image/png", size: photo.length }]);
  });
});
