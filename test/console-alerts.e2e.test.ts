import { randomUUID } from "node:crypto";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scratchDatabase, type ScratchDatabase } from "./helpers/scratch-database";
import { closeBrowserHarness, createStaff, loginConsole, type StaffLogin, startBrowserHarness } from "./helpers/browser";
import type { Harness } from "./helpers/harness";
import { hl7 } from "./helpers/hl7-fixtures";

const LAB_TOKEN = "helix-push-token-0123456789";
// Alerts of patients with no responsible doctor and unmatched lab deliveries reach every doctor: this file has a
// database of its own so other files' alerts and deliveries do not reach its consoles.
let database: ScratchDatabase;
let h: Harness;
let browser: Browser;
let base: string;
let gp: StaffLogin;
let otherGp: StaffLogin;
let operator: StaffLogin;

beforeAll(async () => {
  database = await scratchDatabase("alerts");
  ({ h, base, browser } = await startBrowserHarness({ DATABASE_URL: database.url, LABS_CONFIG: JSON.stringify([{ id: "helix", name: "Helix", delivery: { type: "push", token: LAB_TOKEN } }]) }));
  gp = await createStaff(h, "alerts-gp", "doctor", ["gp"]);
  otherGp = await createStaff(h, "alerts-other-gp", "doctor", ["gp"]);
  operator = await createStaff(h, "alerts-operator", "operator");
});

afterAll(async () => {
  await closeBrowserHarness(h, browser);
  await database?.drop();
});

const consolePage = async (staff: StaffLogin): Promise<Page> =>
  loginConsole(await browser.newContext({ locale: "ru-RU", viewport: { width: 1366, height: 1000 } }), base, staff);

/** A patient with a consultation, a tonometer and the doctor who set their thresholds (so responsible for their alerts). */
async function monitoredPatient(doctor: StaffLogin) {
  const user = h.newPatient("ru");
  await h.openConsultation(user, "Давление скачет, голова болит по утрам");
  const account = await h.db.messengerAccount.findFirstOrThrow({ where: { externalUserId: String(user.id) } });
  const consultation = await h.db.consultation.findFirstOrThrow({ where: { patientId: account.patientId } });
  await h.services.readings.setThresholds(doctor.doctorId!, account.patientId, {});
  const device = await h.services.ingestionTokens.issue({ type: "doctor", id: doctor.doctorId! }, account.patientId, "tonometer");
  return { patientId: account.patientId, consultation, token: device.token };
}

describe("alerts and lab deliveries reach the console live", () => {
  it("tells the responsible doctor at once about a critical home reading, not another doctor; the doctor sees and acknowledges it", async () => {
    const patient = await monitoredPatient(gp);
    const doctorPage = await consolePage(gp);
    const otherPage = await consolePage(otherGp);

    const posted = await h.app.inject({
      method: "POST",
      url: "/api/v1/readings",
      headers: { authorization: `Bearer ${patient.token}`, "content-type": "application/json" },
      payload: { readings: [{ kind: "blood_pressure", systolic: 186, diastolic: 122, at: new Date(Date.now() - 60_000).toISOString() }] },
    });
    expect(posted.statusCode).toBe(200);

    // No reload: the notice and the count come over the event stream.
    const notice = doctorPage.getByTestId("notice");
    await expect.poll(() => notice.textContent().catch(() => null), { timeout: 10_000 }).toContain("Новое оповещение по домашним показателям");
    await expect.poll(() => doctorPage.getByTestId("alert-count").textContent().catch(() => null), { timeout: 10_000 }).toBe("1");
    await doctorPage.screenshot({ path: "test-output/console/17-alert-notice.png" });

    await doctorPage.getByRole("button", { name: "Оповещения" }).click();
    const row = doctorPage.getByTestId("alerts-screen").locator("li").first();
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain(`Пациент обращения № ${patient.consultation.number}`);
    expect(await row.textContent()).toContain("АД: 186/122 mmHg · критически высоко · открыто · 1 показание");
    await row.getByRole("button", { name: "Показатели" }).click();
    await doctorPage.getByTestId("monitoring").getByTestId("chart").waitFor();
    await doctorPage.screenshot({ path: "test-output/console/18-alerts.png", fullPage: true });
    await row.getByRole("button", { name: "Принять к сведению" }).click();
    await expect.poll(() => h.db.monitoringAlert.findFirstOrThrow({ where: { patientId: patient.patientId } }).then((a) => a.status), { timeout: 10_000 }).toBe("acknowledged");
    await expect.poll(() => doctorPage.getByTestId("alert-count").count(), { timeout: 10_000 }).toBe(0);
    await row.getByRole("button", { name: "Открыть обращение" }).click();
    await doctorPage.getByText(`Обращение № ${patient.consultation.number}`).first().waitFor();

    // The other doctor's console heard nothing and lists nothing of this patient.
    expect(await otherPage.getByTestId("notice").count()).toBe(0);
    expect(await otherPage.getByTestId("alert-count").count()).toBe(0);
    await otherPage.context().close();
    await doctorPage.context().close();
  }, 90_000);

  it("shows an operator an unmatched lab delivery at once; filed under the order's number, its results reach the order and the doctor hears of them", async () => {
    const patient = await monitoredPatient(gp);
    const order = await h.services.labs.createOrder(gp.doctorId!, patient.patientId, { tests: ["35200-5"] });
    const operatorPage = await consolePage(operator);
    const doctorPage = await consolePage(gp);

    const stranger = { ...hl7("diagnosticreport-lipids"), id: `lipids-${randomUUID()}`, subject: { reference: `Patient/${randomUUID()}` } };
    const pushed = await h.app.inject({
      method: "POST",
      url: "/api/v1/labs/helix/results",
      headers: { authorization: `Bearer ${LAB_TOKEN}`, "content-type": "application/fhir+json" },
      payload: JSON.stringify(stranger),
    });
    expect(pushed.statusCode).toBe(202);
    const reviewId = pushed.json().reviewId as string;

    await expect.poll(() => operatorPage.getByTestId("notice").textContent().catch(() => null), { timeout: 10_000 }).toContain("не удалось сопоставить");
    await operatorPage.getByRole("button", { name: "Разбор анализов" }).click();
    const item = operatorPage.locator(`[data-testid=lab-review] li[data-id="${reviewId}"]`);
    await item.waitFor({ timeout: 10_000 });
    expect(await item.textContent()).toContain(`no lab order matches report ${stranger.id}`);
    // A wrong number is refused and the delivery stays.
    await item.getByRole("spinbutton", { name: "№ направления" }).fill(String(order.number + 100_000));
    await item.getByRole("button", { name: "Прикрепить к направлению" }).click();
    await expect.poll(() => operatorPage.locator("[data-testid=lab-review] .error").textContent().catch(() => null), { timeout: 10_000 }).toBe("Не найдено.");
    expect(await h.db.labReviewItem.findUniqueOrThrow({ where: { id: reviewId } }).then((r) => r.resolvedAt)).toBeNull();

    await item.getByRole("spinbutton", { name: "№ направления" }).fill(String(order.number));
    await item.getByRole("button", { name: "Прикрепить к направлению" }).click();
    await expect.poll(() => operatorPage.getByRole("status").textContent().catch(() => null), { timeout: 10_000 }).toBe("Сохранено 4 результата.");
    await expect.poll(() => item.count()).toBe(0);
    const filed = await h.db.labReviewItem.findUniqueOrThrow({ where: { id: reviewId } });
    expect(filed.orderId).toBe(order.id);
    expect(await h.db.labResult.count({ where: { orderId: order.id } })).toBe(4);
    expect((await h.db.labOrder.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("completed");
    await operatorPage.screenshot({ path: "test-output/console/19-lab-review.png", fullPage: true });

    // The ordering doctor hears of the results without reloading.
    await expect.poll(() => doctorPage.getByTestId("notice").textContent().catch(() => null), { timeout: 10_000 }).toContain("Пришли результаты анализов");
    await operatorPage.context().close();
    await doctorPage.context().close();
  }, 90_000);
});
