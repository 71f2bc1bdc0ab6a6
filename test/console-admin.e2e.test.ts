import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { escalationRulesSchema } from "../core/specialties/escalation-rules";
import { ConsultationRepository } from "../core/consultations/consultation-repository";
import { freshTotpCode } from "./helpers/totp";
import { processEscalation } from "../workers/escalation.worker";
import { closeBrowserHarness, createStaff, loginConsole, type StaffLogin, staffPassword, startBrowserHarness } from "./helpers/browser";
import type { Harness } from "./helpers/harness";

let h: Harness;
let browser: Browser;
let base: string;
let admin: StaffLogin;
let operator: StaffLogin;

beforeAll(async () => {
  ({ h, base, browser } = await startBrowserHarness());
  admin = await createStaff(h, "spec-admin", "admin");
  operator = await createStaff(h, "spec-operator", "operator");
});

afterAll(async () => {
  await closeBrowserHarness(h, browser);
});

async function cookieOf(staff: StaffLogin): Promise<string> {
  const response = await h.app.inject({ method: "POST", url: "/api/v1/auth/login", payload: { email: staff.email, password: staffPassword, code: await freshTotpCode(staff.secret) } });
  return String(response.headers["set-cookie"]).split(";")[0]!;
}
const call = (cookie: string, method: "GET" | "POST" | "PUT", url: string, payload?: object) =>
  h.app.inject({ method, url: `/api/v1${url}`, headers: { cookie, "x-requested-with": "telecons-console" }, payload });

describe("the admin pages", () => {
  it("keep specialties: added in the console, binding doctors and escalation", async () => {
    const context = await browser.newContext({ locale: "en-US", viewport: { width: 1366, height: 900 } });
    const page = await loginConsole(context, base, admin);
    await page.getByRole("button", { name: "Admin" }).click();
    const form = page.getByTestId("specialty-form");
    await form.getByLabel("Code").fill("ophthalmology");
    await form.getByLabel("Name (Russian)").fill("Офтальмолог");
    await form.getByLabel("Name (English)").fill("Ophthalmologist");
    await form.getByLabel("Escalate after, minutes").fill("30");
    await form.getByRole("button", { name: "Save specialty" }).click();
    await page.locator('[data-testid=specialties] tr[data-code="ophthalmology"]').waitFor();
    await page.screenshot({ path: "test-output/console/11-admin-specialties.png", fullPage: true });
    await context.close();
    expect(await h.db.specialty.findUniqueOrThrow({ where: { code: "ophthalmology" } })).toMatchObject({ nameRu: "Офтальмолог", escalateAfterMinutes: 30, active: true });
    expect(await h.db.auditEvent.count({ where: { action: "specialty.save", entityId: "ophthalmology" } })).toBe(1);

    // Everyone reads the list; only admins change it.
    const op = await cookieOf(operator);
    expect((await call(op, "GET", "/specialties")).json().specialties.map((s: { code: string }) => s.code)).toContain("ophthalmology");
    expect((await call(op, "PUT", "/specialties/ophthalmology", { nameRu: "Окулист", nameEn: "Oculist" })).statusCode).toBe(403);

    // A doctor's specialties must be active ones.
    const adm = await cookieOf(admin);
    const doctor = (specialty: string) => ({ email: `${specialty}-${Date.now()}@clinic.test`, name: "Ольга Иванова", role: "doctor", password: staffPassword, specialties: [specialty], languages: ["ru"] });
    const refused = await call(adm, "POST", "/staff", doctor("astrology"));
    expect(refused.statusCode).toBe(400);
    expect(refused.json().message).toContain("astrology");
    expect((await call(adm, "POST", "/staff", doctor("ophthalmology"))).statusCode).toBe(201);

    // A question for the new specialty waits 30 minutes, not the clinic-wide 120, before operators are told.
    const patient = await h.db.patient.create({ data: {} });
    const account = await h.db.messengerAccount.create({ data: { channel: "telegram", externalUserId: `spec-${Date.now()}`, chatId: "1", patientId: patient.id } });
    const eye = await h.db.consultation.create({ data: { patientId: patient.id, accountId: account.id, kind: "async_chat", specialty: "ophthalmology" } });
    const gp = await h.db.consultation.create({ data: { patientId: patient.id, accountId: account.id, kind: "async_chat", specialty: "gp" } });
    const deps = { consultations: new ConsultationRepository(h.db), desk: h.services.desk, rules: escalationRulesSchema.parse("*:120"), specialties: h.services.specialties, logger: h.services.logger };
    await processEscalation(deps, new Date(eye.createdAt.getTime() + 31 * 60_000));
    expect((await h.db.consultation.findUniqueOrThrow({ where: { id: eye.id } })).escalatedAt).not.toBeNull();
    expect((await h.db.consultation.findUniqueOrThrow({ where: { id: gp.id } })).escalatedAt).toBeNull();

    // A retired specialty takes no new doctors.
    expect((await call(adm, "PUT", "/specialties/ophthalmology", { nameRu: "Офтальмолог", nameEn: "Ophthalmologist", escalateAfterMinutes: 30, active: false })).statusCode).toBe(200);
    expect((await call(adm, "POST", "/staff", doctor("ophthalmology"))).statusCode).toBe(400);
  }, 60_000);

  it("let an admin add a red flag with phrases per language and answers, and remove it again", async () => {
    const context = await browser.newContext({ locale: "en-US", viewport: { width: 1366, height: 900 } });
    const page = await loginConsole(context, base, admin);
    await page.getByRole("button", { name: "Admin" }).click();
    const list = page.getByTestId("red-flags");
    await list.locator('fieldset[data-rule="chest_pain_breathless"]').waitFor();
    await page.getByRole("button", { name: "Add a red flag" }).click();
    const added = list.locator("fieldset").last();
    await added.getByLabel("Id").fill("ui_test_sudden_blindness");
    await added.getByLabel("Name").fill("Sudden loss of vision");
    await added.getByLabel("Phrases ru").fill("внезапно | резко\nослеп* | не виж*");
    await added.getByLabel("Phrases en").fill("sudden* blind*");
    await added.getByLabel("Answers (JSON)").fill('[{"vision_loss": true}]');
    await page.getByRole("button", { name: "Save the list" }).click();
    await expect.poll(() => page.getByTestId("red-flags-message").textContent(), { timeout: 10_000 }).toContain("Saved");
    await page.screenshot({ path: "test-output/console/14-admin-red-flags.png" });
    expect(await h.db.redFlagRule.findUnique({ where: { id: "ui_test_sudden_blindness" } })).toMatchObject({
      label: "Sudden loss of vision",
      phrases: { ru: [["внезапно", "резко"], ["ослеп*", "не виж*"]], en: [["sudden* blind*"]] },
      answers: [{ vision_loss: true }],
    });

    await list.locator('fieldset[data-rule="ui_test_sudden_blindness"]').getByRole("button", { name: "Remove" }).click();
    await page.getByRole("button", { name: "Save the list" }).click();
    await expect.poll(() => h.db.redFlagRule.count({ where: { id: "ui_test_sudden_blindness" } }), { timeout: 10_000 }).toBe(0);
    expect(await h.db.redFlagRule.count({ where: { id: "chest_pain_breathless" } })).toBe(1);
    await context.close();
  }, 60_000);
});
