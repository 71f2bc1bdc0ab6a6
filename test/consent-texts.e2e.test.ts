import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scratchDatabase, type ScratchDatabase } from "./helpers/scratch-database";
import { closeBrowserHarness, createStaff, loginConsole, type StaffLogin, startBrowserHarness } from "./helpers/browser";
import type { Harness } from "./helpers/harness";

// A new consent version applies to every patient: this file has a database of its own so other files' patients
// keep the consents they gave.
let database: ScratchDatabase;
let h: Harness;
let browser: Browser;
let base: string;
let admin: StaffLogin;

beforeAll(async () => {
  database = await scratchDatabase("consents");
  ({ h, base, browser } = await startBrowserHarness({ DATABASE_URL: database.url }));
  admin = await createStaff(h, "consent-admin", "admin");
});

afterAll(async () => {
  await closeBrowserHarness(h, browser);
  await database?.drop();
});

const texts = (id: number) => h.telegram.sent(id).map((c) => String(c.params.text));

describe("consent texts", () => {
  it("an admin publishes a new version in the console; patients are asked again, in their language, before anything medical", async () => {
    const patient = h.newPatient("ru");
    await h.onboard(patient);
    const account = await h.db.messengerAccount.findFirstOrThrow({ where: { externalUserId: String(patient.id) } });
    await expect.poll(() => h.db.consent.count({ where: { patientId: account.patientId } }), { timeout: 10_000 }).toBe(2);

    const context = await browser.newContext({ locale: "ru-RU", viewport: { width: 1366, height: 900 } });
    const page = await loginConsole(context, base, admin);
    await page.getByRole("button", { name: "Администрирование" }).click();
    const personalData = page.locator('.consent-text[data-kind="personal_data"]');
    await personalData.getByText("версия 2026-11-01").waitFor();
    await personalData.getByRole("button", { name: "Новая версия" }).click();
    const draft = page.getByTestId("consent-draft");
    await draft.getByLabel("Версия (например, 2027-01-15)").fill("2027-01-15");
    const ru = draft.getByLabel("Текст ru");
    await ru.fill(`${await ru.inputValue()} Срок хранения данных — 25 лет (приказ Минздрава).`);
    await draft.getByRole("button", { name: "Опубликовать" }).click();
    await personalData.getByText("версия 2027-01-15").waitFor();
    await page.screenshot({ path: "test-output/console/15-admin-consent-texts.png", fullPage: true });
    await context.close();

    // The patient's next message is not taken: they are asked the new text first.
    await h.say(patient, "Болит горло третий день");
    await h.telegram.waitFor(() => texts(patient.id).some((t) => t.includes("Срок хранения данных — 25 лет")));
    const asked = texts(patient.id).find((t) => t.includes("Срок хранения данных — 25 лет"))!;
    expect(asked).toContain("Версия текста: 2027-01-15.");
    expect(await h.db.intake.count({ where: { patientId: account.patientId } })).toBe(0);
    await h.press(patient, "consent:personal_data:yes");
    expect(await h.db.consent.findMany({ where: { patientId: account.patientId, kind: "personal_data" }, orderBy: { givenAt: "asc" } })).toMatchObject([
      { version: "2026-11-01", withdrawnAt: null },
      { version: "2027-01-15", withdrawnAt: null },
    ]);

    // A new patient in Uzbek is asked the Uzbek text of the new version; only admins may publish.
    const uz = h.newPatient("uz");
    await h.say(uz, "/start");
    await h.telegram.waitFor(() => texts(uz.id).some((t) => t.includes("Matn versiyasi: 2027-01-15.")));
    const doctor = await h.newDoctor();
    const refused = await h.app.inject({ method: "GET", url: "/api/v1/consent-texts", headers: { authorization: `Bearer ${doctor.apiToken}` } });
    expect(refused.statusCode).toBe(403);
    expect(await h.db.auditEvent.count({ where: { action: "consent_text.publish", entityId: "personal_data:2027-01-15" } })).toBe(1);
  }, 60_000);
});
