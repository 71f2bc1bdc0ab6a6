import { mkdirSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IntakeView } from "../core/consultations/intake-reader";
import { totpCode } from "../core/staff/totp";
import { freshTotpCode } from "./helpers/totp";
import { closeBrowserHarness, startBrowserHarness } from "./helpers/browser";
import type { Harness } from "./helpers/harness";
import { encodePng } from "./helpers/png";

const shots = "test-output/console";
mkdirSync(shots, { recursive: true });

// The thread reads the intake through the IntakeReader port; a fixed one here makes the body map and severity known.
const intakes = new Map<string, IntakeView>();
/** A real PNG (a reddish patch on skin tone), so the thumbnail and the zoom show something. */
function skinPhoto(width = 240, height = 160): Buffer {
  return encodePng(width, height, 3, (x, y) => {
    const d = Math.hypot(x - width / 2, y - height / 2) / (height / 2);
    const red = d < 0.6 ? 1 - d : 0;
    return [230, Math.round(190 - 120 * red), Math.round(160 - 110 * red)];
  });
}
const png = skinPhoto();

let h: Harness;
let browser: Browser;
let base: string;
const password = "correct horse battery";
const accounts: Record<string, { email: string; secret: string; doctorId: string | null }> = {};

async function account(key: string, role: "doctor" | "operator" | "admin", specialties: string[] = []) {
  const email = `${key}-${Date.now()}@clinic.test`;
  const created = await h.services.staff.create({ email, name: `${key} ${role}`, role, password, specialties, languages: role === "doctor" ? ["ru", "en"] : [] });
  accounts[key] = { email, secret: created.totpSecret, doctorId: created.staff.doctor?.id ?? null };
}

async function login(context: BrowserContext, key: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${base}/console/`);
  await page.fill("input[name=email]", accounts[key]!.email);
  await page.fill("input[name=password]", password);
  await page.fill("input[name=code]", await freshTotpCode(accounts[key]!.secret));
  await page.click("button[type=submit]");
  await page.waitForSelector("[data-testid=queue]");
  return page;
}

/** Login through the api, for checks that need only a cookie. */
async function cookieOf(key: string, code?: string, pw = password) {
  code ??= await freshTotpCode(accounts[key]!.secret);
  const response = await h.app.inject({ method: "POST", url: "/api/v1/auth/login", payload: { email: accounts[key]!.email, password: pw, code } });
  return { response, cookie: String(response.headers["set-cookie"] ?? "").split(";")[0]! };
}

beforeAll(async () => {
  ({ h, base, browser } = await startBrowserHarness({}, { intake: { forConsultation: async (id) => intakes.get(id) ?? null } }));
  await account("gp", "doctor", ["gp"]);
  await account("derm", "doctor", ["dermatology"]);
  await account("op", "operator");
  await account("admin", "admin");
  await account("victim", "doctor", ["gp"]);
});

afterAll(async () => {
  await closeBrowserHarness(h, browser);
});

describe("the console", () => {
  let consultationId = "";

  it("shows a doctor a new photo question live, with the body map and the photo, and sends a template reply to Telegram", async () => {
    const context = await browser.newContext({ locale: "ru-RU", viewport: { width: 1366, height: 800 } });
    const loginPage = await context.newPage();
    await loginPage.goto(`${base}/console/`);
    await loginPage.screenshot({ path: `${shots}/01-login.png` });
    await loginPage.close();
    const page = await login(context, "gp");

    // The patient writes to the Telegram bot while the doctor's queue is open.
    const patient = h.newPatient("ru");
    await h.openConsultation(patient, "Сыпь на левой руке, чешется. Фото ниже.");
    await h.telegram.waitFor(() => h.telegram.sent(patient.id).some((c) => String(c.params.text).includes("создано")));
    const consultation = await h.db.consultation.findFirstOrThrow({
      where: { account: { externalUserId: String(patient.id) } },
    });
    consultationId = consultation.id;
    // The photo is stored as the attachment receiver stores a patient's photo (the messenger path is test/telegram-files).
    const fileId = await h.services.files.save(png, { mimeType: "image/png", fileName: "rash.png" });
    await h.db.message.create({
      data: {
        consultationId,
        authorRole: "patient",
        text: "Фото",
        attachments: [{ fileId, kind: "photo", mimeType: "image/png", fileName: "rash.png", size: png.length }],
      },
    });
    intakes.set(consultationId, {
      complaint: "Сыпь на руке",
      area: "skin",
      urgent: false,
      answers: [{ questionId: "fever", answer: "no" }],
      exam: { regions: ["arm_left", "hand_left"], severity: 6, duration: "days_1_3", symptoms: ["зуд"], medicines: "", allergies: "пенициллин" },
      redFlags: [],
    });

    const row = page.locator(`li[data-id="${consultationId}"]`);
    await row.waitFor({ timeout: 10_000 });
    expect(Number(await page.getByTestId("unread-count").textContent())).toBeGreaterThanOrEqual(1);
    await page.screenshot({ path: `${shots}/02-queue-live.png` });

    // Keyboard: move to the row and open it.
    const index = Number(await row.getAttribute("data-index"));
    for (let i = 0; i < index; i++) await page.keyboard.press("j");
    await page.keyboard.press("Enter");
    await page.getByTestId("thread").waitFor();
    await expect.poll(() => page.locator(".body-map .region.marked").count()).toBe(2);
    expect(await page.locator('[data-region="arm_left"]').getAttribute("class")).toContain("marked");
    expect(await page.getByTestId("severity").textContent()).toContain("6/10");
    expect(await page.getByTestId("area").textContent()).toBe("Кожа, аллергия");
    expect(await page.getByTestId("in-person").textContent()).toBe("неизвестно");
    const photo = page.locator("img.thumb");
    await expect.poll(() => photo.evaluate((img) => {
      const image = img as unknown as { complete: boolean; naturalWidth: number };
      return image.complete && image.naturalWidth;
    })).toBe(240);
    await page.screenshot({ path: `${shots}/03-thread.png`, fullPage: true });
    await photo.click();
    await page.getByTestId("zoom").waitFor();
    await page.screenshot({ path: `${shots}/04-photo-zoom.png` });
    await page.keyboard.press("Escape");

    await page.keyboard.press("t");
    await expect.poll(async () => (await h.db.consultation.findUniqueOrThrow({ where: { id: consultationId } })).doctorId).toBe(accounts.gp!.doctorId);
    await page.click('button[data-template="Нужно фото"]');
    await page.getByRole("button", { name: "Отправить" }).click();
    await h.telegram.waitFor(() => h.telegram.sent(patient.id).some((c) => String(c.params.text).includes("Пришлите, пожалуйста, фото")));
    expect(String(h.telegram.sent(patient.id).at(-1)!.params.text)).toMatch(/^Врач gp doctor:\nПришлите, пожалуйста, фото при дневном свете/);
    await page.screenshot({ path: `${shots}/05-replied.png`, fullPage: true });

    const audit = await h.db.auditEvent.findMany({ where: { OR: [{ entityId: consultationId }, { entityId: fileId }] } });
    expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(["consultation.read", "file.download", "consultation.take", "consultation.reply"]));
    await context.close();
  });

  it("lets an operator route the queue but not open clinical content (api 403 and ui)", async () => {
    const { cookie } = await cookieOf("op");
    const api = await h.app.inject({ method: "GET", url: `/api/v1/consultations/${consultationId}`, headers: { cookie } });
    expect(api.statusCode).toBe(403);
    const fileApi = await h.app.inject({ method: "GET", url: `/api/v1/consultations?view=in_progress`, headers: { cookie } });
    expect(fileApi.json().consultations.some((c: { id: string }) => c.id === consultationId)).toBe(false);
    const waiting = await h.app.inject({ method: "GET", url: `/api/v1/consultations?view=waiting_for_patient`, headers: { cookie } });
    const item = waiting.json().consultations.find((c: { id: string }) => c.id === consultationId);
    expect(Object.keys(item).sort()).toEqual(
      ["createdAt", "doctorId", "doctorName", "escalatedAt", "id", "number", "patientLanguage", "specialty", "status", "updatedAt", "urgent"],
    );

    const context = await browser.newContext({ locale: "en-US", viewport: { width: 1366, height: 800 } });
    const page = await login(context, "op");
    await page.getByRole("tab", { name: "Waiting for patient" }).click();
    const row = page.locator(`li[data-id="${consultationId}"]`);
    await row.waitFor();
    await row.getByRole("button", { name: "Open" }).click();
    await page.getByTestId("no-clinical-access").waitFor();
    expect(await page.locator("[data-testid=thread]").count()).toBe(0);
    await page.screenshot({ path: `${shots}/06-operator-queue.png` });
    await context.close();
  });

  it("hides the consultation from a doctor of another specialty", async () => {
    const patient = h.newPatient("ru");
    await h.openConsultation(patient, "Болит горло");
    await h.telegram.waitFor(() => h.telegram.sent(patient.id).some((c) => String(c.params.text).includes("создано")));
    const fresh = await h.db.consultation.findFirstOrThrow({ where: { account: { externalUserId: String(patient.id) } } });
    const { cookie } = await cookieOf("derm");
    const list = await h.app.inject({ method: "GET", url: "/api/v1/consultations?view=new", headers: { cookie } });
    expect(list.statusCode).toBe(200);
    expect(list.json().consultations.map((c: { id: string }) => c.id)).not.toContain(fresh.id);
    const read = await h.app.inject({ method: "GET", url: `/api/v1/consultations/${fresh.id}`, headers: { cookie } });
    expect(read.statusCode).toBe(403);
    const gp = await cookieOf("gp");
    const gpList = await h.app.inject({ method: "GET", url: "/api/v1/consultations?view=new", headers: { cookie: gp.cookie } });
    expect(gpList.json().consultations.map((c: { id: string }) => c.id)).toContain(fresh.id);
  });

  it("locks an account after five wrong passwords, even against the right one, answering as for a wrong password", async () => {
    for (let attempt = 1; attempt <= 5; attempt++) {
      // A refused attempt does not use up its code, so a plain one does here.
      const { response } = await cookieOf("victim", totpCode(accounts.victim!.secret), "wrong password!");
      expect(response.statusCode).toBe(401);
    }
    const { response } = await cookieOf("victim", totpCode(accounts.victim!.secret));
    expect(response.statusCode).toBe(401);
    const context = await browser.newContext({ locale: "en-US" });
    const page = await context.newPage();
    await page.goto(`${base}/console/`);
    await page.fill("input[name=email]", accounts.victim!.email);
    await page.fill("input[name=password]", password);
    await page.fill("input[name=code]", totpCode(accounts.victim!.secret));
    await page.click("button[type=submit]");
    await page.getByText("After several failed attempts login waits a while").waitFor();
    await page.screenshot({ path: `${shots}/07-locked.png` });
    await context.close();
    const victim = await h.db.staffMember.findUniqueOrThrow({ where: { email: accounts.victim!.email } });
    const events = await h.db.auditEvent.findMany({ where: { entityType: "staff", entityId: victim.id, action: "staff.locked" } });
    expect(events).toHaveLength(1);

    // The admin unlocks it from the staff table, confirming with a current code of their own authenticator.
    const adminContext = await browser.newContext({ locale: "en-US", viewport: { width: 1366, height: 800 } });
    const admin = await login(adminContext, "admin");
    await admin.getByRole("button", { name: "Admin" }).click();
    const row = admin.locator("tr", { hasText: accounts.victim!.email });
    await row.getByRole("button", { name: "Unlock" }).click();
    await row.locator("input[name=unlock-code]").fill("000000");
    await row.getByRole("button", { name: "Unlock" }).click();
    await admin.getByText("The code is wrong or was already used").waitFor();
    await row.locator("input[name=unlock-code]").fill(await freshTotpCode(accounts.admin!.secret));
    await row.getByRole("button", { name: "Unlock" }).click();
    await expect.poll(async () => (await h.db.staffMember.findUniqueOrThrow({ where: { id: victim.id } })).lockedUntil).toBeNull();
    await row.locator("input[name=unlock-code]").waitFor({ state: "detached" });
    await adminContext.close();
    expect((await cookieOf("victim")).response.statusCode).toBe(200);
  });

  it("lets an admin browse the audit log by entity", async () => {
    const context = await browser.newContext({ locale: "en-US", viewport: { width: 1366, height: 800 } });
    const page = await login(context, "admin");
    await page.getByRole("button", { name: "Admin" }).click();
    await page.getByPlaceholder("Entity id").fill(consultationId);
    await page.getByRole("button", { name: "Search" }).click();
    await expect.poll(() => page.getByTestId("audit").locator("tbody tr").count()).toBeGreaterThanOrEqual(4);
    const actions = await page.getByTestId("audit").locator("tbody tr td:nth-child(3)").allTextContents();
    expect(actions).toEqual(expect.arrayContaining(["consultation.open", "consultation.read", "consultation.reply"]));
    await page.screenshot({ path: `${shots}/08-admin-audit.png`, fullPage: true });
    await context.close();
  });
});
