import { mkdirSync } from "node:fs";
import type { Browser, Page, Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeBrowserHarness, createStaff, loginConsole, type StaffLogin, staffPassword, startBrowserHarness } from "./helpers/browser";
import type { Harness } from "./helpers/harness";
import { walkIntake } from "./helpers/intake-steps";

/**
 * The console as a doctor uses it for a while (issue 16): an open thread must not poll the api in a loop, the page
 * must fit a phone and a wide screen, and what it shows is in words, not internal codes.
 */
const shots = "test-output/console-usability";
mkdirSync(shots, { recursive: true });

let h: Harness;
let browser: Browser;
let base: string;
let gp: StaffLogin;

beforeAll(async () => {
  ({ h, base, browser } = await startBrowserHarness());
  gp = await createStaff(h, "usability-gp", "doctor", ["gp"]);
});

afterAll(async () => {
  await closeBrowserHarness(h, browser);
});

/** A new Telegram patient's consultation, walked through the real intake. */
async function consultation(complaint: string) {
  const patient = h.newPatient("ru");
  await h.openConsultation(patient, complaint);
  await h.telegram.waitFor(() => h.telegram.sent(patient.id).some((c) => String(c.params.text).includes("создано")));
  return h.db.consultation.findFirstOrThrow({ where: { account: { externalUserId: String(patient.id) } } });
}

/** The audit actions written about this consultation or its patient since `from`. */
async function auditOf(c: { id: string; patientId: string }, from: Date) {
  const rows = await h.db.auditEvent.findMany({ where: { entityId: { in: [c.id, c.patientId] }, at: { gte: from } }, orderBy: { seq: "asc" } });
  return rows.map((r) => r.action);
}

/**
 * Resolves once the page's api traffic has stopped: no request (live streams aside) waiting for its answer and none
 * started or answered for `quietMs`. The doctor's own "take" comes back on the live stream and refreshes the thread
 * once; under load that echo, or a panel's first read, can land well after the panels show.
 */
function settled(page: Page, quietMs = 1500) {
  const pending = new Set<Request>();
  let lastActivity = Date.now();
  const counted = (request: Request) => {
    const path = new URL(request.url()).pathname;
    return path.startsWith("/api/") && !path.endsWith("/events") && !path.endsWith("/stream");
  };
  page.on("request", (request) => {
    if (!counted(request)) return;
    pending.add(request);
    lastActivity = Date.now();
  });
  const done = (request: Request) => {
    if (pending.delete(request)) lastActivity = Date.now();
  };
  page.on("requestfinished", done);
  page.on("requestfailed", done);
  return () => expect.poll(() => pending.size === 0 && Date.now() - lastActivity >= quietMs, { timeout: 20_000, interval: 250 }).toBe(true);
}

/** Counts the api requests the page makes from now on. */
function countRequests(page: Page) {
  const seen: string[] = [];
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith("/api/")) seen.push(`${request.method()} ${url.pathname}`);
  });
  return seen;
}

describe("the console under a doctor's hands", () => {
  it("keeps a taken thread quiet: a handful of requests in 10 s and one read audit row per screen view", async () => {
    const c = await consultation("Кашель третий день");
    const context = await browser.newContext({ locale: "ru-RU", viewport: { width: 1440, height: 900 } });
    const page = await loginConsole(context, base, gp);
    const quiet = settled(page);
    await page.locator(`li[data-id="${c.id}"] button`).click();
    await page.getByTestId("thread").waitFor();
    await page.getByRole("button", { name: "Взять" }).click();
    // Taken: the doctor's panels (monitoring, reminders, protocol) are on screen now, and have read what they show.
    await page.getByTestId("reminders").waitFor();
    await page.getByTestId("schedule-form").waitFor();
    await quiet();
    const quietFrom = new Date();
    const requests = countRequests(page);
    await page.waitForTimeout(10_000);
    const written = await auditOf(c, quietFrom);
    // Nothing changes on screen, so nothing needs fetching (the live stream is one long request opened earlier).
    expect(requests, requests.slice(0, 20).join("\n")).toHaveLength(0);
    expect(written).toEqual([]);

    // One more view of the thread: each panel reads once.
    await page.getByRole("button", { name: /К очереди/ }).click();
    await page.getByRole("tab", { name: "В работе" }).click();
    await page.locator(`li[data-id="${c.id}"]`).waitFor();
    const viewFrom = new Date();
    const viewRequests = countRequests(page);
    await page.locator(`li[data-id="${c.id}"] button`).click();
    await page.getByTestId("schedule-form").waitFor();
    await page.waitForTimeout(3_000);
    const actions = await auditOf(c, viewFrom);
    // Two panels show the reminders (adherence in monitoring, the schedules below it): one read each.
    expect(actions.filter((a) => a === "reminders.read")).toHaveLength(2);
    expect(actions.filter((a) => a === "consultation.read")).toHaveLength(1);
    // Every other panel reads once: no request repeats but the two reminders reads.
    expect(new Set(viewRequests).size, viewRequests.join("\n")).toBe(viewRequests.length - 1);
    expect(new Set(actions).size, actions.join("\n")).toBe(actions.length - 1);
    await context.close();
  }, 60_000);
});

/** How much wider than the window the page is (0 when nothing scrolls sideways). */
const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
/** What sticks out on the right, to name it in a failure. */
const wide = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll("body *")]
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
      .slice(0, 8)
      .map((e) => `${e.tagName.toLowerCase()}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)
      .join("\n"),
  );

describe("the console on a phone and on a wide screen", () => {
  for (const width of [390, 1440]) {
    it(`fits ${width} px without horizontal scroll: queue, thread with its panels, admin`, async () => {
      const c = await consultation(`Болит горло уже несколько дней, ширина ${width}`);
      const admin = await createStaff(h, `usability-admin-${width}`, "admin");
      const context = await browser.newContext({ locale: "ru-RU", viewport: { width, height: width < 600 ? 844 : 900 } });
      const page = await loginConsole(context, base, gp);
      expect(await overflow(page), await wide(page)).toBeLessThanOrEqual(0);
      await page.screenshot({ path: `${shots}/queue-${width}.png` });
      await page.locator(`li[data-id="${c.id}"] button`).click();
      await page.getByRole("button", { name: "Взять" }).click();
      await page.getByTestId("schedule-form").waitFor();
      await page.getByRole("button", { name: "Отправить" }).waitFor();
      expect(await overflow(page), await wide(page)).toBeLessThanOrEqual(0);
      // The Send button is inside the window, not cut off at its right edge.
      const send = await page.getByRole("button", { name: "Отправить" }).boundingBox();
      expect(send!.x + send!.width).toBeLessThanOrEqual(width);
      await page.screenshot({ path: `${shots}/thread-${width}.png`, fullPage: true });
      await context.close();

      const adminContext = await browser.newContext({ locale: "ru-RU", viewport: { width, height: width < 600 ? 844 : 900 } });
      const adminPage = await loginConsole(adminContext, base, admin);
      await adminPage.getByRole("button", { name: "Администрирование" }).click();
      await adminPage.getByTestId("staff-table").waitFor();
      expect(await overflow(adminPage), await wide(adminPage)).toBeLessThanOrEqual(0);
      await adminPage.screenshot({ path: `${shots}/admin-${width}.png`, fullPage: true });
      await adminContext.close();
    }, 60_000);
  }
});

/**
 * A doctor who speaks only `language`: routing tests use languages no other test's doctors speak, so a specialist
 * created here does not pull other tests' consultations out of the GP queue (the run's database is shared).
 */
async function specialist(key: string, specialty: string, language: string): Promise<StaffLogin> {
  const email = `${key}-${Date.now()}@clinic.test`;
  const created = await h.services.staff.create({ email, name: `${key} doctor`, role: "doctor", password: staffPassword, specialties: [specialty], languages: [language] });
  return { email, secret: created.totpSecret, doctorId: created.staff.doctor?.id ?? null };
}

/** A patient walks the intake answering the questions by button (or by a number) and chooses a chat consultation. */
async function intake(language: string, complaint: string, area: string, answers: string[]) {
  const patient = h.newPatient(language);
  await h.onboard(patient);
  await h.say(patient, complaint);
  await h.press(patient, `intake:area:${area}`);
  for (const [index, answer] of answers.entries()) {
    if (/^\d+$/.test(answer)) await h.say(patient, answer);
    else await h.press(patient, answer === "skip" ? "intake:skipq" : `intake:ans:${index}:${answer}`);
  }
  await h.press(patient, "intake:exam:skip");
  await h.press(patient, "intake:fmt:async");
  return h.db.consultation.findFirstOrThrow({ where: { account: { externalUserId: String(patient.id) } } });
}

describe("routing from the intake", () => {
  it("sends a rash to a dermatologist, a child to a paediatrician, and to the GP when no such doctor speaks the patient's language", async () => {
    await specialist("route-derm", "dermatology", "tg");
    await specialist("route-paed", "pediatrics", "tg");
    expect((await intake("tg", "Сыпь на руках", "skin", ["no", "several"])).specialty).toBe("dermatology");
    expect((await intake("tg", "Ребёнок кашляет", "child", ["4", "skip", "no"])).specialty).toBe("pediatrics");
    // Nobody answers dermatology in Kyrgyz in this run: the GP does.
    expect((await intake("ky", "Сыпь на руках", "skin", ["no", "one_place"])).specialty).toBe("gp");
    expect((await intake("tg", "Просто вопрос", "other", ["skip"])).specialty).toBe("gp");
  }, 60_000);
});

describe("words, not codes", () => {
  it("shows the dermatologist the triage as the patient was asked, the specialty's name, minutes and a chart in Russian", async () => {
    const derm = await specialist("words-derm", "dermatology", "az");
    const c = await intake("az", "Səpgi var", "skin", ["no", "several"]);
    expect(c.specialty).toBe("dermatology");
    const context = await browser.newContext({ locale: "ru-RU", viewport: { width: 1440, height: 900 } });
    const page = await loginConsole(context, base, derm);
    const row = page.locator(`li[data-id="${c.id}"]`);
    expect(await row.locator(".tag").first().textContent()).toBe("Дерматолог");
    expect(await row.textContent()).toMatch(/\d+ мин/);
    await row.locator("button").click();
    await page.getByTestId("thread").waitFor();
    expect(await page.getByTestId("specialty").textContent()).toBe("Дерматолог");
    expect(await page.getByTestId("patient-language").textContent()).toBe("азербайджанский");
    expect(await page.getByTestId("waiting").textContent()).toMatch(/^\d+ мин$/);
    const answers = await page.getByTestId("answers").locator("tr").allTextContents();
    expect(answers).toEqual(["Отекают губы, язык или горло, трудно дышать?Нет", "Где сыпь?В нескольких местах"]);
    await page.getByRole("button", { name: "Взять" }).click();
    const chart = page.getByTestId("chart");
    await chart.waitFor();
    const svg = await page.evaluate(async (src) => (await fetch(src)).text(), (await chart.getAttribute("src"))!);
    expect(svg).toContain("Артериальное давление, мм рт. ст.");
    expect(svg).toContain("САД критично ≥");
    expect(svg).not.toMatch(/Blood pressure|critical|systolic/);
    await page.screenshot({ path: `${shots}/thread-words-1440.png`, fullPage: true });
    await context.close();
  }, 60_000);
});

describe("a video call accepted from the queue", () => {
  it("shows the accepting doctor on the consultation the call came from", async () => {
    const patient = h.newPatient("ru");
    await h.onboard(patient);
    await walkIntake(h.chat(patient), "Кашель неделю, хочу видео", { area: "cold", format: "video" });
    const c = await h.db.consultation.findFirstOrThrow({ where: { account: { externalUserId: String(patient.id) } } });
    const visit = await h.db.videoVisit.findFirstOrThrow({ where: { consultationId: c.id } });
    const doctor = await h.db.doctor.findUniqueOrThrow({ where: { id: gp.doctorId! } });
    await h.services.video.accept(doctor, visit.id);

    const context = await browser.newContext({ locale: "ru-RU", viewport: { width: 1440, height: 900 } });
    const page = await loginConsole(context, base, gp);
    await page.getByRole("tab", { name: "В работе" }).click();
    const row = page.locator(`li[data-id="${c.id}"]`);
    await row.waitFor();
    expect(await row.locator(".grow").textContent()).toBe("usability-gp doctor");
    expect((await h.db.consultation.findUniqueOrThrow({ where: { id: c.id } })).status).toBe("in_progress");
    await context.close();
  }, 60_000);
});
