import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStaff, launchChromium, loginConsole, type StaffLogin } from "./helpers/browser";
import { startHarness, type Harness } from "./helpers/harness";

let h: Harness;
let browser: Browser;
let base: string;
let gp: StaffLogin;

beforeAll(async () => {
  h = await startHarness();
  base = await h.app.listen({ port: 0, host: "127.0.0.1" });
  browser = await launchChromium();
  gp = await createStaff(h, "monitoring-gp", "doctor", ["gp"]);
});

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe("the patient between consultations, in the console", () => {
  it("shows the doctor the readings chart with thresholds, the critical alert to acknowledge and the medication schedule with its adherence", async () => {
    const patient = h.newPatient("ru");
    await h.openConsultation(patient, "Давление скачет, голова болит по утрам");
    const account = await h.db.messengerAccount.findFirstOrThrow({ where: { externalUserId: String(patient.id) } });
    const consultation = await h.db.consultation.findFirstOrThrow({ where: { patientId: account.patientId } });
    const doctorOf = await h.db.staffMember.findUniqueOrThrow({ where: { email: gp.email }, include: { doctor: true } });

    // A tonometer linked to the patient sends a critical reading through the device api.
    const device = await h.services.ingestionTokens.issue({ type: "doctor", id: gp.doctorId! }, account.patientId, "tonometer");
    const at = new Date(Date.now() - 10 * 60_000).toISOString();
    const posted = await h.app.inject({
      method: "POST",
      url: "/api/v1/readings",
      headers: { authorization: `Bearer ${device.token}`, "content-type": "application/json" },
      payload: { readings: [{ kind: "blood_pressure", systolic: 186, diastolic: 122, at }] },
    });
    expect(posted.statusCode).toBeLessThan(300);
    await expect.poll(() => h.db.monitoringAlert.count({ where: { patientId: account.patientId, status: "open" } }), { timeout: 10_000 }).toBe(1);
    // A medication schedule with a dose nobody confirmed.
    await h.services.reminders.createSchedule(doctorOf.doctor!, account.patientId, {
      medicine: "Лозартан", dose: "50 мг", timesOfDay: ["08:00"], startDate: "2026-11-01", endDate: "2026-12-31",
    });

    const context = await browser.newContext({ locale: "ru-RU", viewport: { width: 1366, height: 1000 } });
    const page = await loginConsole(context, base, gp);
    const row = page.locator(`li[data-id="${consultation.id}"]`);
    await row.waitFor({ timeout: 10_000 });
    await row.getByRole("button", { name: "Открыть" }).click();
    await page.getByRole("button", { name: "Взять" }).click();
    const panel = page.getByTestId("monitoring");
    await panel.waitFor();
    // The chart is the api's SVG with the reading and the thresholds, loaded with the doctor's session.
    const chart = panel.getByTestId("chart");
    await expect.poll(() => chart.evaluate((img) => (img as unknown as { complete: boolean; naturalWidth: number }).naturalWidth), { timeout: 10_000 }).toBeGreaterThan(0);
    const alert = panel.getByTestId("alerts").locator("li");
    await expect.poll(() => alert.textContent(), { timeout: 10_000 }).toContain("АД: 186");
    expect(await alert.textContent()).toContain("критически высоко");
    expect(await panel.getByTestId("adherence").textContent()).toContain("Лозартан 50 мг (08:00)");
    await page.screenshot({ path: "test-output/console/16-monitoring.png", fullPage: true });
    await alert.getByRole("button", { name: "Принять к сведению" }).click();
    await expect.poll(() => h.db.monitoringAlert.findFirstOrThrow({ where: { patientId: account.patientId } }).then((a) => a.status), { timeout: 10_000 }).toBe("acknowledged");
    await context.close();
  }, 60_000);
});
