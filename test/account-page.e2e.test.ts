import { mkdirSync } from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeBrowserHarness, startBrowserHarness } from "./helpers/browser";
import type { Harness } from "./helpers/harness";

/**
 * The patient's account as a patient meets it (issue 16 point 5): in their language even when the link is used up or
 * broken, and telling an unverified patient how to verify to see documents.
 */
const shots = "test-output/account";
mkdirSync(shots, { recursive: true });

let h: Harness;
let base: string;
let browser: Browser;

beforeAll(async () => {
  ({ h, base, browser } = await startBrowserHarness({ PUBLIC_URL: "https://telecons.example" }));
});
afterAll(async () => {
  await closeBrowserHarness(h, browser);
});

describe("the account in the patient's language", () => {
  it("says how to verify identity, and answers a reused or malformed link with a page in Uzbek", async () => {
    const patient = h.newPatient("uz");
    await h.openConsultation(patient, "Tomog'im og'riyapti");
    await h.say(patient, "/account");
    await h.telegram.waitFor(() => h.telegram.sent(patient.id).some((c) => String(c.params.text).includes("/account/login?")));
    const message = h.telegram.sent(patient.id).map((c) => String(c.params.text)).find((text) => text.includes("/account/login?"));
    const link = new URL(/https?:\/\/\S+/.exec(message!)![0]);
    expect(link.searchParams.get("lang")).toBe("uz");

    const context = await browser.newContext({ locale: "ru-RU", viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${base}${link.pathname}${link.search}`);
    await page.locator("#identity-how").waitFor();
    expect(await page.locator("#identity-how").textContent()).toMatch(/shaxsingiz tasdiqlangandan keyin.*\/verify.*\/phone/);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("uz");
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${shots}/account-390.png`, fullPage: true });
    await page.setViewportSize({ width: 1440, height: 900 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${shots}/account-1440.png`, fullPage: true });

    const reused = await page.goto(`${base}${link.pathname}${link.search}`);
    expect(reused!.status()).toBe(401);
    expect(reused!.headers()["content-type"]).toContain("text/html");
    expect(await page.locator("body").textContent()).toContain("/account");
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("uz");
    const reusedText = await page.locator("p").first().textContent();

    // Cut short by a messenger: the same page, not a JSON error.
    const malformed = await page.goto(`${base}/account/login?token=abc&lang=uz`);
    expect(malformed!.status()).toBe(401);
    expect(await page.locator("p").first().textContent()).toBe(reusedText);
    const bare = await page.goto(`${base}/account/login`);
    expect(bare!.status()).toBe(401);
    expect(bare!.headers()["content-type"]).toContain("text/html");
    await context.close();
  }, 60_000);
});
