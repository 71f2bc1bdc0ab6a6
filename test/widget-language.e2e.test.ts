import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consoleDoctor } from "./helpers/channel-fixtures";
import { closeBrowserHarness, startBrowserHarness } from "./helpers/browser";
import type { Harness } from "./helpers/harness";

/**
 * The web chat as a patient uses it (issue 16 point 5): the page follows the language chosen in the chat (also after
 * a reload), shows that the bot is working, turns addresses into links, and keeps bubbles readable on a phone and a
 * wide screen.
 */
const shots = "test-output/widget";
mkdirSync(shots, { recursive: true });

let h: Harness;
let base: string;
let browser: Browser;

beforeAll(async () => {
  ({ h, base, browser } = await startBrowserHarness());
});
afterAll(async () => {
  await closeBrowserHarness(h, browser);
});

const chrome = (page: Page) =>
  page.evaluate(() => ({
    title: document.getElementById("title")!.textContent,
    placeholder: (document.getElementById("text") as HTMLTextAreaElement).placeholder,
    send: document.getElementById("send")!.textContent,
    lang: document.documentElement.lang,
  }));

/** Remembers whether the "Replying…" bubble was ever on the page (the stand-in answers fast). */
const watchTyping = (page: Page) =>
  page.evaluate(() => {
    const seen = { typing: "" };
    (window as unknown as { seen: typeof seen }).seen = seen;
    new MutationObserver(() => {
      const typing = document.querySelector(".msg.typing");
      if (typing) seen.typing = typing.textContent ?? "";
    }).observe(document.getElementById("log")!, { childList: true });
  });

describe("the widget in the patient's language", () => {
  it("switches header, placeholder and Send to Tajik when the patient picks it, keeps it after a reload, and shows a typing indicator", async () => {
    const context = await browser.newContext({ locale: "ru-RU", viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${base}/widget`);
    await expect.poll(() => page.locator(".msg.in").first().textContent()).toMatch(/^Здравствуйте/);
    expect(await chrome(page)).toEqual({ title: "Онлайн-консультация", placeholder: "Напишите сообщение…", send: "Отправить", lang: "ru" });
    await watchTyping(page);
    await page.getByRole("button", { name: "Тоҷикӣ", exact: true }).first().click();
    const tajik = { title: "Машварати онлайн", placeholder: "Паём нависед…", send: "Фиристодан", lang: "tg" };
    expect(await chrome(page)).toEqual(tajik);
    await expect.poll(() => page.evaluate(() => (window as unknown as { seen: { typing: string } }).seen.typing)).toBe("Ҷавоб навишта мешавад…");
    await page.locator(".msg.in", { hasText: "Тайёр" }).waitFor();
    expect(await page.locator(".msg.typing").count()).toBe(0);
    await page.screenshot({ path: `${shots}/tajik-390.png` });
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.screenshot({ path: `${shots}/tajik-1440.png` });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await page.locator(".msg.in", { hasText: "Тайёр" }).waitFor();
    expect(await chrome(page)).toEqual(tajik);
    expect(await page.locator("#about").getAttribute("href")).toBe("/about?lang=tg");
    await context.close();
  }, 60_000);

  it("turns a link in a doctor's reply into an anchor and keeps bubbles narrow on a wide screen, with no sideways scroll on a phone", async () => {
    const context = await browser.newContext({ locale: "ru-RU", viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}/widget`);
    await page.getByRole("button", { name: "Согласен(на)", exact: true }).first().click();
    await page.locator(".msg.in", { hasText: "телемедицинских технологий" }).getByRole("button", { name: "Согласен(на)", exact: true }).click();
    await page.locator(".msg.in", { hasText: "Опишите, пожалуйста, что вас беспокоит" }).waitFor();
    await page.locator("#text").fill("Болит горло второй день, глотать больно, температура 37,4");
    await page.locator("#text").press("Enter");
    for (const label of ["Другое", "Пропустить", "Пропустить", "Письменный вопрос с фото"]) {
      await page.locator(".msg.in").getByRole("button", { name: label, exact: true, disabled: false }).last().click();
    }
    await page.locator(".msg.in", { hasText: /Обращение № \d+ создано/ }).waitFor();
    const consultation = await h.db.consultation.findFirstOrThrow({ where: { account: { channel: "web" } }, orderBy: { createdAt: "desc" } });
    const doctor = await consoleDoctor(h);
    await doctor.reply(consultation.id, "Полоскайте горло. Памятка: https://clinic.example/leaflets/throat.");
    const link = page.locator(".msg.in a", { hasText: "https://clinic.example/leaflets/throat" });
    await link.waitFor();
    // The sentence's full stop is not part of the address.
    expect(await link.getAttribute("href")).toBe("https://clinic.example/leaflets/throat");
    const widths = await page.locator(".msg").evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width));
    expect(Math.max(...widths)).toBeLessThanOrEqual(560);
    await page.screenshot({ path: `${shots}/conversation-1440.png` });

    // The web chat has no share-my-number button, so /phone does not point at one.
    await page.locator("#text").fill("/phone");
    await page.locator("#text").press("Enter");
    const ask = page.locator(".msg.in", { hasText: "Подтвердим ваш номер телефона" });
    await ask.waitFor();
    expect(await ask.textContent()).toBe("Подтвердим ваш номер телефона. Отправьте его сюда сообщением (например, +7 999 123-45-67) — мы пришлём код в СМС.");
    expect(await ask.locator("button, a").count()).toBe(0);

    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    // The placeholder stays on one line of the composer.
    expect(await page.locator("#text").evaluate((e) => e.scrollHeight <= e.clientHeight + 2)).toBe(true);
    await page.screenshot({ path: `${shots}/conversation-390.png` });
    await context.close();
  }, 60_000);
});
