import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, FrameLocator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { onboard, webDriver } from "./helpers/channel-drivers";
import { consoleDoctor, notReallyPdf, samplePdf } from "./helpers/channel-fixtures";
import { closeBrowserHarness, startBrowserHarness } from "./helpers/browser";
import type { Harness } from "./helpers/harness";
import { walkIntake } from "./helpers/intake-steps";

let h: Harness;
let base: string;
let browser: Browser;

beforeAll(async () => {
  // The clinic's site of the embedding test is http://localhost:<port>; the api is on 127.0.0.1.
  ({ h, base, browser } = await startBrowserHarness({ WIDGET_FRAME_ANCESTORS: "http://localhost:*" }));
});

/** The buttons a patient clicks on the shortest intake: area "other", its one question skipped, exam skipped, written question. */
const intakeButtons = {
  ru: ["Другое", "Пропустить", "Пропустить", "Письменный вопрос с фото"],
  en: ["Something else", "Skip", "Skip", "Written question with photos"],
};

/** Types the complaint and clicks through the intake as a patient would (the page disables a message's buttons once used). */
async function intakeInPage(page: Page | FrameLocator, complaint: string, language: "ru" | "en") {
  await page.locator("#text").fill(complaint);
  await page.locator("#text").press("Enter");
  for (const label of intakeButtons[language]) {
    await page.locator(".msg.in").getByRole("button", { name: label, exact: true, disabled: false }).last().click();
  }
}
afterAll(async () => {
  await closeBrowserHarness(h, browser);
});

const latestWebConsultation = () =>
  h.db.consultation.findFirstOrThrow({ where: { account: { channel: "web" } }, orderBy: { createdAt: "desc" } });
/** The visitor's own: another test's late step may open a web consultation after it. */
const consultationOf = (visitor: { externalUserId: string }) =>
  h.db.consultation.findFirstOrThrow({ where: { account: { channel: "web", externalUserId: visitor.externalUserId } }, orderBy: { createdAt: "desc" } });

describe("the web chat widget in Chromium", () => {
  it("runs /start, both consents by clicking, a complaint and the doctor's reply with a file behind a signed link (ru)", async () => {
    const context = await browser.newContext({ locale: "ru-RU" });
    const page = await context.newPage();
    await page.goto(`${base}/widget`);
    await expect.poll(() => page.locator(".msg.in").first().textContent()).toMatch(/^Здравствуйте/);
    await page.getByRole("button", { name: "Согласен(на)", exact: true }).first().click();
    await page.locator(".msg.in", { hasText: "телемедицинских технологий" }).getByRole("button", { name: "Согласен(на)", exact: true }).click();
    await page.locator(".msg.in", { hasText: "Опишите, пожалуйста, что вас беспокоит" }).waitFor();
    await intakeInPage(page, "Третий день температура 38 и кашель", "ru");
    await page.locator(".msg.in", { hasText: /Обращение № \d+ создано/ }).waitFor();

    const consultation = await latestWebConsultation();
    expect(await h.db.message.findFirst({ where: { consultationId: consultation.id, text: "Третий день температура 38 и кашель" } })).not.toBeNull();
    const doctor = await consoleDoctor(h);
    await doctor.reply(consultation.id, "Пейте больше жидкости, памятка во вложении", [{ fileName: "памятка.pdf", mimeType: "application/pdf", bytes: samplePdf }]);
    await page.locator(".msg.in", { hasText: "Пейте больше жидкости" }).waitFor();
    const link = page.locator("a.file");
    await link.waitFor();
    expect(await link.textContent()).toBe("Скачать: памятка.pdf");
    const href = (await link.getAttribute("href"))!;
    expect(href).toMatch(/^\/widget\/files\/[0-9a-f-]{36}\?v=.+&e=\d+&s=/);
    const download = await page.evaluate(async (url) => {
      const response = await fetch(url);
      return { status: response.status, body: await response.text() };
    }, href);
    expect(download).toEqual({ status: 200, body: samplePdf.toString() });
    expect((await h.app.inject({ method: "GET", url: href.replace(/s=[^&]+/, "s=forged") })).statusCode).toBe(403);

    // A reloaded page (same visitor token in localStorage) shows the conversation again and keeps going.
    await page.reload();
    await page.locator(".msg.in", { hasText: "Пейте больше жидкости" }).waitFor();
    expect(await page.locator(".msg.in", { hasText: /^Здравствуйте/ }).count()).toBe(1);
    await context.close();
  });

  it("opens from a clinic's site with one script tag and speaks the page's language (en)", async () => {
    const context = await browser.newContext({ locale: "en-US" });
    const page = await context.newPage();
    // The clinic's own site: another origin, served by a server of its own.
    const clinic = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(`<html lang="en"><body><h1>Clinic</h1><script src="${base}/widget/embed.js" async></script></body></html>`);
    });
    await new Promise<void>((resolve) => clinic.listen(0, "127.0.0.1", resolve));
    onTestFinished(() => void clinic.close());
    await page.goto(`http://localhost:${(clinic.address() as AddressInfo).port}/`);
    await page.getByRole("button", { name: "Chat" }).click();
    const frame = page.frameLocator("iframe[title=Telecons]");
    await frame.locator(".msg.in", { hasText: "Hello! This is Telecons" }).waitFor();
    await frame.getByRole("button", { name: "I agree", exact: true }).first().click();
    await frame.locator(".msg.in", { hasText: "Consent to medical care by telemedicine" }).getByRole("button", { name: "I agree", exact: true }).click();
    await intakeInPage(frame, "My back hurts", "en");
    await frame.locator(".msg.in", { hasText: /Consultation No\. \d+ is open/ }).waitFor();
    // The frame may not keep storage on another site: the clinic's page keeps the token, so a reload continues.
    await page.reload();
    await page.getByRole("button", { name: "Chat" }).click();
    await frame.locator(".msg.in", { hasText: /Consultation No\. \d+ is open/ }).waitFor();
    expect(await frame.locator(".msg.in", { hasText: "Hello! This is Telecons" }).count()).toBe(1);
    await context.close();
  });
});

describe("the widget api", () => {
  it("refuses a request without a valid visitor token, and a forged one", async () => {
    const payload = { id: "6f1c1c8e-0b7e-4c1e-9a51-3a0f5b8e2f10", text: "hello" };
    expect((await h.app.inject({ method: "POST", url: "/widget/api/messages", payload })).statusCode).toBe(401);
    const forged = { authorization: "Bearer 6f1c1c8e-0b7e-4c1e-9a51-3a0f5b8e2f10.AAAA" };
    expect((await h.app.inject({ method: "POST", url: "/widget/api/messages", headers: forged, payload })).statusCode).toBe(401);
  });

  it("refuses an oversized and a wrong-type upload in the patient's language and keeps a PDF (en)", async () => {
    const visitor = await webDriver(h, "en");
    await onboard(visitor);
    await walkIntake(visitor, "Blood test results");
    await visitor.waitForText("Consultation No.");
    expect((await visitor.upload(Buffer.alloc(10 * 1024 * 1024 + 1, 0xff), "scan.pdf")).statusCode).toBe(204);
    await visitor.waitForText("The file is larger than 10 MB");
    await visitor.upload(notReallyPdf, "results.pdf");
    await visitor.waitForText("We do not accept this type of file.");
    await visitor.upload(samplePdf, "results.pdf");
    await visitor.waitForText("The file is added to consultation No.");
    const consultation = await consultationOf(visitor);
    const files = (await h.db.message.findMany({ where: { consultationId: consultation.id } })).flatMap((m) => m.attachments as Array<{ mimeType: string }>);
    expect(files.map((f) => f.mimeType)).toEqual(["application/pdf"]);
    // The bytes the edge kept for the inbound worker are gone once it has handled each upload (the PDF kept is a copy).
    const uploads = { fileName: { in: ["scan.pdf", "results.pdf"] }, mimeType: "application/octet-stream" };
    await expect.poll(() => h.db.storedFile.count({ where: uploads })).toBe(0);
  });

  it("keeps at most ten files per consultation, even when the last uploads arrive at the same moment", async () => {
    const visitor = await webDriver(h, "en");
    await onboard(visitor);
    await walkIntake(visitor, "Old discharge summaries");
    await visitor.waitForText("Consultation No.");
    const consultation = await consultationOf(visitor);
    const attached = async () =>
      (await h.db.message.findMany({ where: { consultationId: consultation.id } })).flatMap((m) => m.attachments as unknown[]).length;
    for (let i = 1; i <= 8; i++) {
      await visitor.upload(samplePdf, `page-${i}.pdf`);
      await expect.poll(attached).toBe(i);
    }
    await Promise.all([1, 2, 3].map((i) => visitor.upload(samplePdf, `late-${i}.pdf`)));
    await visitor.waitForText("A consultation can have at most 10 files.");
    await expect.poll(attached).toBe(10);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await attached()).toBe(10);
  });
});
