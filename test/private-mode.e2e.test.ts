import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeBrowserHarness, startBrowserHarness } from "./helpers/browser";
import { consoleDoctor, samplePdf } from "./helpers/channel-fixtures";
import type { Harness } from "./helpers/harness";

/**
 * Issue 15, point 5: with CLINICAL_CONTENT_IN_MESSENGERS=false the Telegram stand-in receives only a notice for
 * the doctor's reply and its file, and the clinic's web chat opened from the notice's one-time link (Chromium)
 * shows the content.
 */
let h: Harness;
let base: string;
let browser: Browser;

beforeAll(async () => {
  ({ h, base, browser } = await startBrowserHarness({ CLINICAL_CONTENT_IN_MESSENGERS: "false" }));
});
afterAll(async () => {
  await closeBrowserHarness(h, browser);
});

describe("private mode", () => {
  it("sends Telegram a notice with a one-time link; the secure web chat shows the doctor's reply and file", async () => {
    const user = h.newPatient("ru");
    await h.openConsultation(user, "Болит горло второй день");
    const account = await h.db.messengerAccount.findUniqueOrThrow({ where: { channel_externalUserId: { channel: "telegram", externalUserId: String(user.id) } } });
    const consultation = await h.db.consultation.findFirstOrThrow({ where: { patientId: account.patientId } });
    const doctor = await consoleDoctor(h);
    await doctor.reply(consultation.id, "Полощите горло раствором фурацилина 4 раза в день", [{ fileName: "памятка.pdf", mimeType: "application/pdf", bytes: samplePdf }]);

    // Two notices (the reply, the file note): no clinical word and no file reaches Telegram.
    const chat = String(user.id);
    const notices = () => h.telegram.delivered.filter((m) => m.chatId === chat && m.text.includes("защищённом чате"));
    await expect.poll(() => notices().length, { timeout: 10_000 }).toBe(2);
    expect(h.telegram.delivered.filter((m) => m.chatId === chat).map((m) => m.text).join("\n")).not.toMatch(/фурацилин|памятка/);
    expect(h.telegram.sentFiles.filter((f) => f.chatId === chat)).toEqual([]);
    const links = h.telegram.calls
      .filter((c) => c.method === "sendMessage" && String(c.params.chat_id) === chat)
      .flatMap((c) => JSON.stringify(c.params.reply_markup ?? "").match(/login=[A-Za-z0-9_-]+/g) ?? []);
    expect(links).toHaveLength(2);

    const page = await (await browser.newContext({ locale: "ru-RU" })).newPage();
    await page.goto(`${base}/widget?${links[0]}`);
    await page.locator(".msg.in", { hasText: "фурацилина" }).waitFor();
    await page.locator(".msg.in a.file", { hasText: "памятка.pdf" }).waitFor();
    // The token left the address bar, and the link works once.
    expect(page.url()).toBe(`${base}/widget`);
    const again = await h.app.inject({ method: "POST", url: "/widget/api/secure-session", payload: { login: links[0]!.slice("login=".length) } });
    expect(again.statusCode).toBe(401);
    // The secure chat is a web account of the same patient, left out of notifications (they go to the messenger as notices); audited.
    const web = await h.db.messengerAccount.findFirstOrThrow({ where: { channel: "web", patientId: account.patientId } });
    expect(web.unreachableAt).not.toBeNull();
    expect(await h.db.auditEvent.count({ where: { action: "secure_chat.open", entityId: account.patientId } })).toBe(1);
  });

  it("leaves the bot's own, non-medical messages in the messenger", async () => {
    const user = h.newPatient("ru");
    await h.say(user, "/start");
    await expect.poll(() => h.telegram.delivered.filter((m) => m.chatId === String(user.id) && /^Здравствуйте/.test(m.text)).length).toBe(1);
  });
});
