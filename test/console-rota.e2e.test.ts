import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeBrowserHarness, createStaff, loginConsole, type StaffLogin, staffPassword, startBrowserHarness } from "./helpers/browser";
import type { Harness } from "./helpers/harness";
import { scratchDatabase, type ScratchDatabase } from "./helpers/scratch-database";
import { processCoverageCheck } from "../workers/coverage.worker";

/**
 * The rota screen (issue 22) in Chromium, on a week of 2031 planned through the real api: a 24/7 rule for gp in
 * Tajik, a Tajik-speaking GP's shift crossing midnight (22:00–06:00 Moscow), and an interpreter beside a Russian
 * GP one morning. The browser runs in Tashkent (UTC+5) so the grid must label hours in Moscow time, not its own.
 * The tests share that week and run in order: the first plans it, the others read it. Screenshots in
 * test-output/console/rota-*.png.
 */
const shots = "test-output/console";
mkdirSync(shots, { recursive: true });

const week = "2031-03-03"; // a Monday
/** An instant on the clinic's clock: Moscow is UTC+3 all year. */
const msk = (local: string) => new Date(`${local}:00+03:00`).toISOString();

let database: ScratchDatabase;
let h: Harness;
let browser: Browser;
let base: string;
let admin: StaffLogin;
let operator: StaffLogin;
let tajik: { id: string; name: string };
let russian: { id: string; name: string };
let interpreter: { id: string; name: string };

/** The api as the logged-in console calls it (session cookie, the header that state changes need). */
const call = async (page: Page, method: string, path: string, data?: unknown) => {
  const response = await page.request.fetch(`${base}/api/v1${path}`, { method, data, headers: { "x-requested-with": "telecons-console" } });
  expect(response.status(), `${method} ${path}: ${await response.text()}`).toBeLessThan(300);
  return response.status() === 204 ? null : response.json();
};

beforeAll(async () => {
  // The rota and its rules are the clinic's, not one patient's: a database of its own keeps other suites' shifts out.
  database = await scratchDatabase("console_rota");
  ({ h, base, browser } = await startBrowserHarness({ DATABASE_URL: database.url }, { workers: false }));
  admin = await createStaff(h, "rota-admin", "admin");
  operator = await createStaff(h, "rota-operator", "operator");
  const stamp = Date.now();
  tajik = (await h.services.doctors.create({ name: `Фарход Тагоев ${stamp}`, specialties: ["gp"], languages: ["tg", "ru"] })).doctor;
  russian = (await h.services.doctors.create({ name: `Анна Петрова ${stamp}`, specialties: ["gp"], languages: ["ru"] })).doctor;
  const translator = await h.services.staff.create({
    email: `rota-interpreter-${stamp}@clinic.test`,
    name: `Шахло Каримова ${stamp}`,
    role: "interpreter",
    password: staffPassword,
    specialties: [],
    languages: ["tg"],
  });
  interpreter = { id: translator.staff.interpreterId!, name: translator.staff.name };
}, 60_000);

afterAll(async () => {
  await closeBrowserHarness(h, browser);
  await database?.drop();
});

/** The rota screen on the test's week. */
async function showRota(page: Page) {
  await page.getByRole("button", { name: "График" }).click();
  await page.getByTestId("rota-grid").waitFor();
  await page.getByLabel("Неделя с").fill(week);
  return page;
}

const cell = (page: Page, language: string, local: string) => page.locator(`[data-language="${language}"][data-at="${msk(local)}"]`);
const label = (page: Page, language: string, local: string) => cell(page, language, local).getAttribute("aria-label");
/** The grid reloads after an edit: allow for a busy machine (expect.poll waits one second by default). */
const soon = { timeout: 10_000 };
const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
const context = (width: number, height: number) => browser.newContext({ locale: "ru-RU", timezoneId: "Asia/Tashkent", viewport: { width, height } });

describe("the rota screen", () => {
  it("shows a gap where a rule is uncovered and cover across midnight, and adds, moves and removes a shift from the grid (1440 px)", async () => {
    const desktop = await context(1440, 1000);
    const page = await loginConsole(desktop, base, admin);
    await call(page, "POST", "/coverage-rules", { specialty: "gp", language: "tg", from: "00:00", to: "24:00" });
    await call(page, "POST", "/rota/shifts", { kind: "doctor", doctorId: tajik.id, specialty: "gp", startsAt: msk("2031-03-04T22:00"), endsAt: msk("2031-03-05T06:00") });
    await call(page, "POST", "/rota/shifts", { kind: "doctor", doctorId: russian.id, specialty: "gp", startsAt: msk("2031-03-05T08:00"), endsAt: msk("2031-03-05T20:00") });
    await call(page, "POST", "/rota/shifts", { kind: "interpreter", interpreterId: interpreter.id, startsAt: msk("2031-03-05T10:00"), endsAt: msk("2031-03-05T12:00") });
    await showRota(page);

    // Hours as Moscow has them, whatever the browser's zone: 21:00 a gap, 22:00 to 06:00 across midnight covered.
    await expect.poll(() => label(page, "tg", "2031-03-04T21:00"), soon).toContain("Пробел: требуется, врача на языке нет");
    for (const hour of ["2031-03-04T22:00", "2031-03-04T23:00", "2031-03-05T00:00", "2031-03-05T05:00"]) {
      expect(await label(page, "tg", hour), hour).toContain("Врач, говорящий на языке");
    }
    expect(await label(page, "tg", "2031-03-05T06:00")).toContain("Пробел");
    expect(await label(page, "tg", "2031-03-05T10:00")).toContain("Пробел, но дежурит переводчик");
    expect(await label(page, "az", "2031-03-05T03:00")).toContain("Никого, не требуется");
    expect(await cell(page, "tg", "2031-03-04T21:00").getAttribute("class")).toContain("cover-gap");
    await expect.poll(() => page.getByTestId("rota-gaps").textContent(), soon).toContain(`таджикский — ${7 * 24 - 8} часов`);

    // Who is on duty: the hour after midnight names the Tajik GP; the interpreter's hour names both.
    await cell(page, "tg", "2031-03-05T01:00").click();
    expect(await page.getByTestId("rota-details").textContent()).toContain(tajik.name);
    // The keyboard walks the grid like a spreadsheet: one cell in the tab order, arrows move and show the hour.
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowUp");
    expect(await page.evaluate(() => [document.activeElement?.getAttribute("data-language"), document.activeElement?.getAttribute("data-at")])).toEqual(["uz", msk("2031-03-05T02:00")]);
    expect(await page.getByTestId("rota-details").locator("h3").textContent()).toBe("узбекский · ср, 5 мар. 02:00–03:00");
    await cell(page, "tg", "2031-03-05T10:00").hover();
    const details = await page.getByTestId("rota-details").textContent();
    expect(details).toContain(russian.name);
    expect(details).toContain(interpreter.name);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${shots}/rota-1440.png`, fullPage: true });

    // Add: from a gap on Thursday 10:00, the Tajik GP until 14:00.
    await cell(page, "tg", "2031-03-06T10:00").click();
    await page.getByRole("button", { name: "Добавить смену с 10:00" }).click();
    const form = page.getByTestId("shift-form");
    await form.locator("select[name=person]").selectOption({ label: `${tajik.name} (tg, ru)` });
    await form.getByLabel("До (московское время)").fill("2031-03-06T14:00");
    await page.screenshot({ path: `${shots}/rota-add-1440.png`, fullPage: true });
    await form.getByRole("button", { name: "Добавить смену" }).click();
    await expect.poll(() => label(page, "tg", "2031-03-06T10:00"), soon).toContain("Врач, говорящий на языке");
    expect(await label(page, "tg", "2031-03-06T13:00")).toContain("Врач, говорящий на языке");
    expect(await label(page, "tg", "2031-03-06T14:00")).toContain("Пробел");
    const added = await h.db.dutyShift.findFirstOrThrow({ where: { doctorId: tajik.id, startsAt: new Date(msk("2031-03-06T10:00")) } });
    expect(added.endsAt.toISOString()).toBe(msk("2031-03-06T14:00"));

    // Move it to 12:00–16:00.
    await cell(page, "tg", "2031-03-06T11:00").click();
    await page.locator(`[data-shift="${added.id}"]`).getByRole("button", { name: "Изменить время" }).click();
    await form.getByLabel("С (московское время)").fill("2031-03-06T12:00");
    await form.getByLabel("До (московское время)").fill("2031-03-06T16:00");
    await form.getByRole("button", { name: "Сохранить время" }).click();
    await expect.poll(() => label(page, "tg", "2031-03-06T10:00"), soon).toContain("Пробел");
    expect(await label(page, "tg", "2031-03-06T15:00")).toContain("Врач, говорящий на языке");
    expect((await h.db.dutyShift.findUniqueOrThrow({ where: { id: added.id } })).startsAt.toISOString()).toBe(msk("2031-03-06T12:00"));

    // Remove it: the afternoon is a gap again.
    await cell(page, "tg", "2031-03-06T15:00").click();
    await page.locator(`[data-shift="${added.id}"]`).getByRole("button", { name: "Снять" }).click();
    await expect.poll(() => label(page, "tg", "2031-03-06T15:00"), soon).toContain("Пробел");
    expect(await h.db.dutyShift.count({ where: { id: added.id } })).toBe(0);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await desktop.close();
  }, 90_000);

  it("lets an admin add and delete a coverage rule, and the grid follows it", async () => {
    const desktop = await context(1440, 1000);
    const page = await showRota(await loginConsole(desktop, base, admin));
    const rules = page.getByTestId("coverage-rules");
    const form = page.getByTestId("rule-form");
    await form.locator("select[name=rule-language]").selectOption("az");
    await form.locator("select[name=rule-from]").selectOption("08:00");
    await form.locator("select[name=rule-to]").selectOption("22:00");
    await form.getByRole("button", { name: "Добавить правило" }).click();
    const row = rules.locator("tbody tr", { hasText: "азербайджанский" });
    await row.waitFor();
    expect(await row.textContent()).toContain("08:00–22:00");
    await expect.poll(() => label(page, "az", "2031-03-05T09:00"), soon).toContain("Пробел");
    expect(await label(page, "az", "2031-03-05T22:00")).toContain("Никого, не требуется");

    await row.getByRole("button", { name: "Удалить" }).click();
    await expect.poll(() => row.count(), soon).toBe(0);
    await expect.poll(() => label(page, "az", "2031-03-05T09:00"), soon).toContain("Никого, не требуется");
    await desktop.close();
  }, 60_000);

  it("shows an operator the rules read-only, the hourly check's gaps banner linking to the rota, and asks nothing while idle", async () => {
    const desktop = await context(1440, 1000);
    const page = await loginConsole(desktop, base, operator);
    // The worker's hourly check, run now: the 24/7 Tajik rule has no doctor in the coming 48 hours. Run again until
    // the banner shows, as the hourly job would: an event published before the page's stream subscribed is not replayed.
    const banner = page.getByTestId("coverage-banner");
    let uncovered = 0;
    await expect
      .poll(async () => {
        uncovered = await processCoverageCheck(h.services.coverageDeps(undefined));
        return banner.count();
      }, soon)
      .toBe(1);
    expect(uncovered).toBeGreaterThan(0);
    expect(await banner.textContent()).toMatch(new RegExp(`Проверка графика: ${uncovered} час(а|ов)? в ближайшие 48 часов без врача нужного языка`));
    await page.screenshot({ path: `${shots}/rota-banner-1440.png` });
    await banner.getByRole("button", { name: "Открыть график" }).click();
    await page.getByTestId("rota-grid").waitFor();
    expect(await banner.count()).toBe(0);

    const rules = page.getByTestId("coverage-rules");
    await expect.poll(() => rules.locator("tbody tr", { hasText: "таджикский" }).count(), soon).toBe(1);
    expect(await rules.getByRole("button", { name: "Удалить" }).count()).toBe(0);
    expect(await page.getByTestId("rule-form").count()).toBe(0);

    // No polling: the screen waits for events (the stream opened at login) and for the operator.
    await page.getByLabel("Неделя с").fill(week);
    await expect.poll(() => label(page, "tg", "2031-03-05T01:00"), soon).toContain("Врач");
    const requests: string[] = [];
    page.on("request", (request) => requests.push(request.url()));
    await page.waitForTimeout(10_000);
    expect(requests).toEqual([]);
    await desktop.close();
  }, 60_000);

  it("reads on a phone one day at a time with the hours in Moscow time (390 px)", async () => {
    const phone = await context(390, 844);
    const page = await showRota(await loginConsole(phone, base, admin));
    await page.getByRole("button", { name: /^ср, 5 мар/ }).click();
    await expect.poll(() => label(page, "tg", "2031-03-05T00:00"), soon).toContain("Врач, говорящий на языке");
    expect(await page.locator('[data-language="tg"][role=gridcell]').count()).toBe(24);
    await cell(page, "tg", "2031-03-05T03:00").click();
    expect(await page.getByTestId("rota-details").textContent()).toContain(tajik.name);
    const box = await cell(page, "tg", "2031-03-05T03:00").boundingBox();
    expect(box!.width).toBeGreaterThan(10);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${shots}/rota-390.png`, fullPage: true });
    await phone.close();
  });

  for (const [width, height] of [[1440, 1000], [390, 844]] as const) {
    it(`shows covered hours per language and waits by hour on the analytics screen (${width} px)`, async () => {
      const ctx = await context(width, height);
      // An admin of its own: a TOTP step signs in once, so a fourth login of the same admin within the minute waits.
      const page = await loginConsole(ctx, base, await createStaff(h, `rota-analyst-${width}`, "admin"));
      await page.getByRole("button", { name: "Аналитика" }).click();
      await page.getByTestId("analytics").waitFor();
      await page.fill("input[name=to]", "2031-03-09");
      await page.fill("input[name=from]", week);
      const tajikRow = page.getByTestId("coverage-covered").locator('[data-row="gp-tg"]');
      await expect.poll(() => tajikRow.locator("td").allTextContents(), { timeout: 20_000 }).toEqual(["168", "8", "2", "5"]);
      expect(await page.getByTestId("coverage-waits").locator("thead th").count()).toBe(25);
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: `${shots}/rota-analytics-${width}.png`, fullPage: true });
      await ctx.close();
    });
  }
});
