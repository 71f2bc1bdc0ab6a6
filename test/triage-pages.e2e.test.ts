import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onboard, telegramDriver } from "./helpers/channel-drivers";
import { closeBrowserHarness, createStaff, loginConsole, startBrowserHarness } from "./helpers/browser";
import type { Harness } from "./helpers/harness";

let h: Harness;
let base: string;
let browser: Browser;

beforeAll(async () => {
  ({ h, base, browser } = await startBrowserHarness());
});
afterAll(async () => {
  await closeBrowserHarness(h, browser);
});

describe("the emergency in the web widget and the console (Chromium)", () => {
  it("shows the heart attack typed before the consents as an alarm with tappable 103 and 112", async () => {
    const context = await browser.newContext({ locale: "ru-RU" });
    const page = await context.newPage();
    await page.goto(`${base}/widget`);
    await page.getByRole("button", { name: "Согласен(на)", exact: true }).first().waitFor();
    await page.locator("#text").fill("Сильная давящая боль в груди уже час, отдаёт в левую руку, холодный пот");
    await page.locator("#text").press("Enter");

    const alarm = page.locator(".msg.in.alarm");
    await alarm.waitFor();
    expect(await alarm.getAttribute("role")).toBe("alert");
    expect(await alarm.textContent()).toMatch(/^⚠️ То, что вы описываете, может быть опасно для жизни/);
    const numbers = await alarm.locator("a[href^='tel:']").evaluateAll((links) => links.map((a) => a.getAttribute("href")));
    expect(new Set(numbers)).toEqual(new Set(["tel:103", "tel:112"]));
    expect(await alarm.locator(".calls a").count()).toBe(2);
    // It comes before the consent request, which is an ordinary bubble.
    const bubbles = await page.locator(".msg.in").allTextContents();
    const at = bubbles.findIndex((text) => text.startsWith("⚠️"));
    expect(bubbles[at + 1]).toMatch(/согласи/);
    expect(await page.locator(".msg.in.alarm").count()).toBe(1);
    await context.close();
  });

  it("shows the doctor an urgent thread as an alarm, the complaint marked, with tappable 103 and 112", async () => {
    const patient = telegramDriver(h, "ru");
    await onboard(patient);
    await patient.say("Сильная давящая боль в груди уже час, отдаёт в левую руку, холодный пот");
    await patient.waitForText("⚠️");
    const account = await h.db.messengerAccount.findFirstOrThrow({ where: { channel: "telegram", externalUserId: patient.externalUserId } });
    const consultation = await h.db.consultation.findFirstOrThrow({ where: { patientId: account.patientId } });
    expect(consultation.urgent).toBe(true);

    const doctor = await createStaff(h, "triage-doctor", "doctor", [consultation.specialty]);
    const context = await browser.newContext({ locale: "ru-RU", viewport: { width: 1366, height: 800 } });
    const page = await loginConsole(context, base, doctor);
    const row = page.locator(`li[data-id="${consultation.id}"]`);
    await row.waitFor({ timeout: 10_000 });
    await row.getByRole("button").first().click();
    const alarm = page.getByTestId("alarm");
    await alarm.waitFor();
    expect(await alarm.textContent()).toContain("chest_pain_breathless");
    const numbers = await alarm.locator("a[href^='tel:']").evaluateAll((links) => links.map((a) => a.getAttribute("href")));
    expect(numbers).toEqual(["tel:103", "tel:112"]);
    expect(await page.locator(".msg.patient.alarm").textContent()).toContain("давящая боль в груди");
    await context.close();
  }, 60_000);
});
