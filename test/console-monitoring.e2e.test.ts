import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeBrowserHarness, createStaff, loginConsole, type StaffLogin, startBrowserHarness } from "./helpers/browser";
import type { Harness } from "./helpers/harness";

let h: Harness;
let browser: Browser;
let base: string;
let gp: StaffLogin;

beforeAll(async () => {
  ({ h, base, browser } = await startBrowserHarness());
  gp = await createStaff(h, "monitoring-gp", "doctor", ["gp"]);
});

afterAll(async () => {
  await closeBrowserHarness(h, browser);
});

/** A Russian-speaking patient with an open consultation. */
async function patientWithConsultation(complaint: string) {
  const patient = h.newPatient("ru");
  await h.openConsultation(patient, complaint);
  const account = await h.db.messengerAccount.findFirstOrThrow({ where: { externalUserId: String(patient.id) } });
  const consultation = await h.db.consultation.findFirstOrThrow({ where: { patientId: account.patientId } });
  return { patientId: account.patientId, consultation };
}

/** The doctor logs in, opens the consultation and takes it: the panels beside the thread are theirs then. */
async function takeInConsole(consultationId: string) {
  const context = await browser.newContext({ locale: "ru-RU", viewport: { width: 1366, height: 1000 } });
  const page = await loginConsole(context, base, gp);
  const row = page.locator(`li[data-id="${consultationId}"]`);
  await row.waitFor({ timeout: 10_000 });
  await row.getByRole("button", { name: "Открыть" }).click();
  await page.getByRole("button", { name: "Взять" }).click();
  return { context, page };
}

describe("the patient between consultations, in the console", () => {
  it("shows the doctor the readings chart with thresholds, the critical alert to acknowledge and the medication schedule with its adherence", async () => {
    const { patientId, consultation } = await patientWithConsultation("Давление скачет, голова болит по утрам");
    const doctorOf = await h.db.staffMember.findUniqueOrThrow({ where: { email: gp.email }, include: { doctor: true } });

    // A tonometer linked to the patient sends a critical reading through the device api.
    const device = await h.services.ingestionTokens.issue({ type: "doctor", id: gp.doctorId! }, patientId, "tonometer");
    const at = new Date(Date.now() - 10 * 60_000).toISOString();
    const posted = await h.app.inject({
      method: "POST",
      url: "/api/v1/readings",
      headers: { authorization: `Bearer ${device.token}`, "content-type": "application/json" },
      payload: { readings: [{ kind: "blood_pressure", systolic: 186, diastolic: 122, at }] },
    });
    expect(posted.statusCode).toBeLessThan(300);
    await expect.poll(() => h.db.monitoringAlert.count({ where: { patientId, status: "open" } }), { timeout: 10_000 }).toBe(1);
    // A medication schedule with a dose nobody confirmed.
    await h.services.reminders.createSchedule(doctorOf.doctor!, patientId, {
      medicine: "Лозартан", dose: "50 мг", timesOfDay: ["08:00"], startDate: "2026-11-01", endDate: "2026-12-31",
    });

    const { context, page } = await takeInConsole(consultation.id);
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
    await expect.poll(() => h.db.monitoringAlert.findFirstOrThrow({ where: { patientId } }).then((a) => a.status), { timeout: 10_000 }).toBe("acknowledged");
    await context.close();
  }, 60_000);

  it("lets the doctor set medication reminders, a follow-up question and quiet hours, and shows the patient's answer", async () => {
    const { patientId, consultation } = await patientWithConsultation("Давление высокое, назначили таблетки");
    const { context, page } = await takeInConsole(consultation.id);
    const panel = page.getByTestId("reminders");
    await panel.waitFor();

    // A bad time is refused with a clear error and nothing is stored.
    const form = panel.getByTestId("schedule-form");
    await form.getByLabel("Лекарство").fill("Амлодипин");
    await form.getByLabel("Доза").fill("5 мг");
    await form.getByLabel("Время приёма").fill("8 утра");
    await form.getByRole("button", { name: "Назначить напоминания" }).click();
    await expect.poll(() => panel.locator(".error").textContent().catch(() => null), { timeout: 10_000 }).toBe("Проверьте введённые данные.");
    expect(await h.db.medicationSchedule.count({ where: { patientId } })).toBe(0);

    await form.getByLabel("Время приёма").fill("08:00, 20:00");
    await form.getByRole("button", { name: "Назначить напоминания" }).click();
    await expect.poll(() => panel.getByTestId("schedules").textContent(), { timeout: 10_000 }).toContain("Амлодипин 5 мг · 08:00, 20:00");
    const schedule = await h.db.medicationSchedule.findFirstOrThrow({ where: { patientId } });
    expect([schedule.timesOfDay, schedule.consultationId]).toEqual([["08:00", "20:00"], consultation.id]);

    const ask = panel.getByTestId("follow-up-form");
    await ask.getByLabel("Вопрос пациенту").fill("Как давление через неделю?");
    await ask.getByRole("button", { name: "Спросить" }).click();
    await expect.poll(() => panel.getByTestId("follow-ups").textContent(), { timeout: 10_000 }).toContain("Как давление через неделю? · запланирован");
    const followUp = await h.db.reminderOccurrence.findFirstOrThrow({ where: { patientId, kind: "follow_up" } });
    expect(followUp.consultationId).toBe(consultation.id);
    expect(Math.abs(followUp.dueAt.getTime() - (Date.now() + 7 * 86_400_000))).toBeLessThan(120_000);

    const quiet = panel.getByTestId("quiet-hours-form");
    await quiet.getByLabel("Тихие часы с").fill("21:30");
    await quiet.getByLabel("Тихие часы до").fill("07:30");
    await quiet.getByRole("button", { name: "Сохранить" }).click();
    await expect
      .poll(() => h.db.reminderPreference.findUnique({ where: { patientId } }).then((p) => p && [p.quietStart, p.quietEnd]), { timeout: 10_000 })
      .toEqual(["21:30", "07:30"]);

    // The answer arrives through the bot (test/reminders.e2e.test.ts); the panel shows it on its next load.
    await h.db.reminderOccurrence.update({ where: { id: followUp.id }, data: { status: "answered", answer: "130/85, голова не болит", answeredAt: new Date() } });
    await panel.getByTestId("schedules").getByRole("button", { name: "Отменить" }).click();
    await expect.poll(() => h.db.medicationSchedule.findUniqueOrThrow({ where: { id: schedule.id } }).then((s) => s.cancelledAt !== null), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => panel.getByTestId("schedules").textContent(), { timeout: 10_000 }).toContain("отменено");
    expect(await panel.getByTestId("follow-ups").textContent()).toContain("ответ получен · Ответ пациента: 130/85, голова не болит");
    await panel.screenshot({ path: "test-output/console/20-reminders.png" });
    await context.close();
  }, 90_000);
});
