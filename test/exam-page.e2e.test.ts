import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInitData } from "../bots/telegram/mini-app-init-data";
import { closeBrowserHarness, startBrowserHarness } from "./helpers/browser";
import type { Harness } from "./helpers/harness";

let h: Harness;
let base = "";
let browser: Browser;
type User = { id: number; languageCode?: string };

beforeAll(async () => {
  ({ h, base, browser } = await startBrowserHarness());
});

afterAll(async () => {
  await closeBrowserHarness(h, browser);
});

const texts = (user: User) => h.telegram.sent(user.id).map((c) => String(c.params.text));
const accountOf = (user: User) =>
  h.db.messengerAccount.findUniqueOrThrow({ where: { channel_externalUserId: { channel: "telegram", externalUserId: String(user.id) } } });

/** Consents, a complaint, the area and its questions skipped: the patient is at the examination step. */
async function atExamStep(user: User, complaint: string) {
  await h.onboard(user);
  await h.say(user, complaint);
  await h.press(user, "intake:area:abdomen");
  for (let i = 0; i < 3; i++) await h.press(user, "intake:skipq");
  const account = await accountOf(user);
  const intake = await h.db.intake.findFirstOrThrow({ where: { patientId: account.patientId } });
  expect(intake.step).toBe("exam");
  return { account, intake };
}

/** Selects regions on both sides, fills the form and submits, as a patient would. */
async function fillAndSubmit(page: Page, answers: { front: string[]; back: string[]; severity: string; duration: string }) {
  for (const region of answers.front) await page.click(`svg[data-side=front] [data-region=${region}]`);
  for (const region of answers.back) await page.click(`svg[data-side=back] [data-region=${region}]`);
  await page.locator("#severity").fill(answers.severity);
  await page.selectOption("#duration", answers.duration);
  await page.fill("#symptoms", "nausea, weakness");
  await page.fill("#medicines", "omeprazole 20 mg");
  await page.fill("#allergies", "penicillin");
  await page.click("button[type=submit]");
}

describe("the body-map page", () => {
  it("opens in Telegram as a Mini App, posts signed initData and stores the regions, front and back", async () => {
    const user = h.newPatient("ru");
    const { intake } = await atExamStep(user, "Болит живот после еды");
    await h.telegram.waitFor(() => texts(user).some((t) => t.startsWith("Теперь покажите")));
    const ask = h.telegram.sent(user.id).find((c) => String(c.params.text).startsWith("Теперь покажите"))!;
    const keyboard = (ask.params.reply_markup as { inline_keyboard: Array<Array<{ web_app?: { url: string } }>> }).inline_keyboard;
    const webApp = new URL(keyboard[0]![0]!.web_app!.url);
    expect(webApp.pathname).toBe("/exam/app");
    expect(webApp.searchParams.get("intake")).toBe(intake.id);

    const initData = signInitData(
      { auth_date: String(Math.floor(Date.now() / 1000)), query_id: "AAE1", user: JSON.stringify({ id: user.id, first_name: "Patient" }) },
      h.telegram.token,
    );
    const page = await browser.newPage();
    // What Telegram's own script provides inside the Mini App (the real script cannot load offline).
    await page.route("https://telegram.org/**", (route) => route.abort());
    await page.addInitScript((data) => Object.assign(globalThis, { Telegram: { WebApp: { initData: data } } }), initData);
    await page.goto(`${base}${webApp.pathname}${webApp.search}`);
    expect(await page.textContent("h1")).toBe("Где болит?");
    await fillAndSubmit(page, { front: ["chest_left", "upper_abdomen"], back: ["lower_back"], severity: "8", duration: "days_4_7" });
    await page.getByText("Отправлено.", { exact: false }).waitFor();
    await page.close();

    const stored = await h.db.intake.findUniqueOrThrow({ where: { id: intake.id } });
    expect(stored.step).toBe("format");
    expect(stored.exam).toEqual({
      regions: ["chest_left", "upper_abdomen", "lower_back"],
      severity: 8,
      duration: "days_4_7",
      symptoms: ["nausea", "weakness"],
      medicines: "omeprazole 20 mg",
      allergies: "penicillin",
    });
    await h.telegram.waitFor(() => texts(user).includes("Как вы хотите получить консультацию?"));
  });

  it("refuses a Mini App submission with a bad signature or a stale auth_date and stores nothing", async () => {
    const user = h.newPatient("en");
    const { intake } = await atExamStep(user, "Stomach ache");
    const exam = { regions: ["upper_abdomen"], severity: 5, duration: "hours", symptoms: [], medicines: "", allergies: "" };
    const fields = { auth_date: String(Math.floor(Date.now() / 1000)), user: JSON.stringify({ id: user.id }) };
    const post = (initData: string) => h.app.inject({ method: "POST", url: "/exam/app", payload: { initData, intakeId: intake.id, exam } });
    const forged = await post(signInitData(fields, "123456:not-our-bot-token"));
    expect(forged.statusCode).toBe(401);
    expect(forged.json()).toMatchObject({ code: "unauthorized", message: "initData refused: bad_signature" });
    const stale = await post(signInitData({ ...fields, auth_date: String(Math.floor(Date.now() / 1000) - 2 * 3600) }, h.telegram.token));
    expect(stale.statusCode).toBe(401);
    const bad = await h.app.inject({ method: "POST", url: "/exam/app", payload: { initData: "x", intakeId: intake.id, exam: { ...exam, severity: 11 } } });
    expect(bad.statusCode).toBe(400);
    expect((await h.db.intake.findUniqueOrThrow({ where: { id: intake.id } })).exam).toBeNull();
  });

  it("works through a one-time link (VK, the widget) in the patient's language, and the link works once", async () => {
    const user = h.newPatient("uz");
    const { account, intake } = await atExamStep(user, "Qornim og'riyapti");
    // A VK or widget patient gets a plain link: the same page, authorised by the link itself.
    const button = await h.services.exams.button(
      { accountId: account.id, patientId: account.patientId, channel: "web", chatId: account.chatId, language: "uz" },
      intake.id,
      "open",
    );
    const link = new URL("url" in button ? button.url : "");
    const page = await browser.newPage();
    await page.goto(`${base}${link.pathname}`);
    expect(await page.textContent("h1")).toBe("Qayeringiz og'riyapti?");
    await fillAndSubmit(page, { front: ["lower_abdomen"], back: ["buttocks", "heel_right"], severity: "3", duration: "months" });
    await page.getByText("Yuborildi.", { exact: false }).waitFor();
    const again = await page.goto(`${base}${link.pathname}`);
    expect(again!.status()).toBe(410);
    await page.close();
    const stored = await h.db.intake.findUniqueOrThrow({ where: { id: intake.id } });
    expect(stored.exam).toMatchObject({ regions: ["lower_abdomen", "buttocks", "heel_right"], severity: 3, duration: "months" });
  });
});
