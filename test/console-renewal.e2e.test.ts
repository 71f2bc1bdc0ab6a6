import { mkdirSync } from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeBrowserHarness, createStaff, loginConsole, type StaffLogin, startBrowserHarness } from "./helpers/browser";
import type { Harness } from "./helpers/harness";
import { TestPki } from "./helpers/test-pki";

const shots = "test-output/console";
mkdirSync(shots, { recursive: true });

let h: Harness;
let pki: TestPki;
let browser: Browser;
let base: string;
let gp: StaffLogin;

beforeAll(async () => {
  pki = new TestPki();
  ({ h, base, browser } = await startBrowserHarness({ DOCTOR_CERTS_DIR: pki.certsDir, DOCTOR_CERTS_PASSWORD: pki.password }));
  gp = await createStaff(h, "renewal-gp", "doctor", ["gp"]);
  pki.issueDoctor(gp.doctorId!, "Ирина Смирнова");
});

afterAll(async () => {
  await closeBrowserHarness(h, browser);
});

/** A patient whose signed losartan prescription (a follow-up of last month's in-person visit) they ask to renew with /renew. */
async function renewalRequested() {
  const user = h.newPatient("ru");
  await h.openConsultation(user, "Заканчивается лозартан");
  const where = { account: { externalUserId: String(user.id) } };
  await expect.poll(() => h.db.consultation.count({ where }), { timeout: 10_000 }).toBe(1);
  const consultation = await h.db.consultation.update({ where: { id: (await h.db.consultation.findFirstOrThrow({ where })).id }, data: { doctorId: gp.doctorId, status: "in_progress", takenAt: new Date() } });
  const { patientId } = consultation;
  const doctor = await h.db.doctor.findUniqueOrThrow({ where: { id: gp.doctorId! } });
  await h.services.visits.record({ type: "staff", id: gp.doctorId! }, patientId, { visitedAt: new Date(Date.now() - 30 * 86_400_000), icd10Code: "I10", problem: "Гипертензия" });
  const draft = await h.services.protocols.startDraft(doctor, consultation.id);
  await h.services.protocols.update(doctor, draft.id, {
    assessment: { kind: "diagnosis", text: "Артериальная гипертензия", codes: ["I10"] },
    prescriptions: [{ medicine: "Лозартан", dose: "50 мг", schedule: "утром", durationDays: 30, treatmentChange: "change", remindAt: ["09:00"] }],
  });
  await h.services.protocols.sign(doctor, draft.id);
  await h.db.reading.create({ data: { patientId, deviceId: "tonometer", kind: "blood_pressure", value: 136, value2: 86, source: "json", measuredAt: new Date() } });
  await h.say(user, "/renew");
  const renewal = await h.db.prescriptionRenewal.findFirstOrThrow({ where: { patientId } });
  return { user, patientId, renewal, consultation };
}

describe("the renewal queue in the console", () => {
  it("shows the request with readings and adherence, and approving it signs a new version and tells the patient", async () => {
    const { user, renewal, consultation } = await renewalRequested();
    const context = await browser.newContext({ locale: "ru-RU", viewport: { width: 1366, height: 900 } });
    const page = await loginConsole(context, base, gp);

    await page.getByRole("button", { name: "Продление рецептов" }).click();
    const card = page.locator(`li[data-id="${renewal.id}"]`);
    await card.waitFor({ timeout: 10_000 });
    expect(await card.textContent()).toContain(`Обращение № ${consultation.number}, протокол версии 1`);
    expect(await card.textContent()).toContain("Лозартан 50 мг, утром, 30 дн.");
    expect(await card.textContent()).toContain("Ваше назначение");
    expect(await card.getByTestId("renewal-readings").textContent()).toContain("АД 136/86");
    expect(await card.getByTestId("renewal-adherence").textContent()).toContain("Приём за 30 дней: принято 0, пропущено 0");
    await page.screenshot({ path: `${shots}/renewal-queue.png` });

    await card.getByRole("button", { name: "Продлить" }).click();
    await expect.poll(() => page.getByTestId("renewal-message").textContent(), { timeout: 10_000 }).toContain("Рецепт продлён");
    await card.waitFor({ state: "detached", timeout: 10_000 });
    const decided = await h.db.prescriptionRenewal.findUniqueOrThrow({ where: { id: renewal.id } });
    expect(decided).toMatchObject({ status: "approved", decidedById: gp.doctorId });
    expect(await h.db.protocol.findUniqueOrThrow({ where: { id: decided.resultProtocolId! } })).toMatchObject({ version: 2, status: "signed" });
    await h.telegram.waitFor(() => h.telegram.sent(user.id).some((call) => String(call.params.text).startsWith("Врач renewal-gp doctor продлил(а) ваш рецепт")), 20_000);
    await context.close();
  });
});
