import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
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
  gp = await createStaff(h, "protocol-gp", "doctor", ["gp"]);
  pki.issueDoctor(gp.doctorId!, "Ирина Смирнова");
});

afterAll(async () => {
  await closeBrowserHarness(h, browser);
});

/** A patient's question, opened and taken by the doctor in the console. */
async function takenThread(page: Page, complaint: string) {
  const patient = h.newPatient("ru");
  await h.openConsultation(patient, complaint);
  const where = { account: { externalUserId: String(patient.id) } };
  await expect.poll(() => h.db.consultation.count({ where }), { timeout: 10_000 }).toBe(1);
  const consultation = await h.db.consultation.findFirstOrThrow({ where });
  const row = page.locator(`li[data-id="${consultation.id}"]`);
  await row.waitFor({ timeout: 10_000 });
  await row.getByRole("button", { name: "Открыть" }).click();
  await page.getByRole("button", { name: "Взять" }).click();
  await page.getByTestId("protocol").waitFor();
  return consultation;
}

const protocolMessage = (page: Page) => page.getByTestId("protocol-message").textContent();

describe("the protocol in the console", () => {
  it("refuses a diagnosis in a primary consultation with the law's explanation, signs an assessment with referrals (lab tests become an order), then a follow-up diagnosis", async () => {
    const context = await browser.newContext({ locale: "ru-RU", viewport: { width: 1366, height: 900 } });
    const page = await loginConsole(context, base, gp);
    const consultation = await takenThread(page, "Кашель и насморк третий день, температура 37,5");

    await page.getByRole("button", { name: "Начать протокол" }).click();
    const complaints = page.getByLabel("Жалобы");
    await expect.poll(() => complaints.inputValue(), { timeout: 10_000 }).toBe("Кашель и насморк третий день, температура 37,5");
    expect(await page.getByTestId("protocol-kind").textContent()).toContain("Первичная");

    // A diagnosis with an ICD-10 code and a new medicine: the server refuses and the console shows why.
    await page.getByLabel("ФИО пациента").fill("Иванов Пётр Сергеевич");
    await page.getByLabel("Вид оценки").selectOption("diagnosis");
    await page.getByLabel("Текст оценки").fill("Острый назофарингит");
    await page.getByLabel("Поиск по МКБ-10: код или название").fill("J00");
    await page.getByRole("button", { name: /^J00 — / }).click();
    await page.getByRole("button", { name: "Добавить назначение" }).click();
    await page.getByTestId("prescription").getByLabel("Препарат").fill("Ксилометазолин");
    await page.getByTestId("prescription").getByLabel("Доза").fill("0,1% по 1 дозе");
    await page.getByTestId("prescription").getByLabel("Схема приёма").fill("2 раза в день");
    await page.getByRole("button", { name: "Подписать" }).click();
    await expect.poll(() => protocolMessage(page), { timeout: 10_000 }).toContain("Консультация первичная");
    expect(await protocolMessage(page)).toContain("Диагноз в первичной дистанционной консультации не ставится");
    await page.screenshot({ path: `${shots}/09-protocol-refused.png`, fullPage: true });
    const refused = await h.db.protocol.findFirstOrThrow({ where: { consultationId: consultation.id } });
    expect(refused.status).toBe("draft");
    expect((refused.content as { assessment: { kind: string } }).assessment.kind).toBe("preliminary");

    // What a primary consultation may hold: a working assumption, advice and a referral to an in-person visit.
    await page.getByLabel("Вид оценки").selectOption("preliminary");
    await page.getByTestId("prescription").getByRole("button", { name: "Убрать" }).click();
    await page.getByLabel("Рекомендации").fill("Обильное питьё, промывание носа");
    await page.getByRole("button", { name: "Добавить направление" }).click();
    await page.getByLabel("Куда или к кому").fill("Терапевт, очный приём");
    // whose in-person slots the bot offers the patient once signed (in-person booking)
    await page.getByLabel("Предложить время специальности").selectOption("gp");
    await page.getByRole("button", { name: "Добавить направление" }).click();
    await page.getByLabel("Вид направления").nth(1).selectOption("lab_tests");
    await page.getByTestId("lab-tests").getByLabel("Общий анализ крови (CBC)").check();
    await page.getByTestId("lab-tests").getByLabel("С-реактивный белок").check();
    expect(await page.getByLabel("Куда или к кому").nth(1).inputValue()).toBe("Общий анализ крови (CBC), С-реактивный белок");
    await page.getByRole("button", { name: "Подписать" }).click();
    await page.getByTestId("protocol-version").waitFor();
    expect(await page.getByTestId("protocol-version").textContent()).toContain("Версия 1");
    const signed = await h.db.protocol.findFirstOrThrow({ where: { consultationId: consultation.id, version: 1 } });
    expect(signed.status).toBe("signed");
    expect(signed.content).toMatchObject({
      patient: { fullName: "Иванов Пётр Сергеевич" },
      assessment: { kind: "preliminary", text: "Острый назофарингит", codes: ["J00"] },
      referrals: [
        { kind: "in_person_visit", target: "Терапевт, очный приём", specialty: "gp" },
        { kind: "lab_tests", tests: ["58410-2", "1988-5"] },
      ],
      prescriptions: [],
    });
    // The lab-test referral becomes an order the patient is asked to place with a laboratory.
    await expect.poll(() => h.db.labOrder.findMany({ where: { patientId: consultation.patientId } }), { timeout: 10_000 }).toMatchObject([
      { tests: ["58410-2", "1988-5"], status: "awaiting_lab" },
    ]);
    // The documents worker signs the PDFs; the console lists them once they exist.
    await expect.poll(() => page.getByTestId("protocol-version").textContent(), { timeout: 20_000 }).toMatch(/заключение.*направление/);
    await page.screenshot({ path: `${shots}/10-protocol-signed.png`, fullPage: true });

    // The patient is then seen in person for this problem: a correction may hold the diagnosis and a prescription.
    const visit = await h.services.visits.record({ type: "doctor", id: gp.doctorId! }, consultation.patientId, {
      visitedAt: new Date(Date.now() - 86_400_000),
      icd10Code: "J00",
      problem: "ОРВИ",
    });
    await page.getByRole("button", { name: /К очереди/ }).click();
    await page.getByRole("tab", { name: "В работе" }).click();
    await page.locator(`li[data-id="${consultation.id}"]`).getByRole("button", { name: "Открыть" }).click();
    await page.getByTestId("protocol-version").waitFor();
    await page.getByRole("button", { name: "Исправить (новая версия)" }).click();
    await page.getByLabel("Продолжение очного приёма").selectOption(visit.id);
    await page.getByLabel("Вид оценки").selectOption("diagnosis");
    await page.getByRole("button", { name: "Добавить назначение" }).click();
    const prescription = page.getByTestId("prescription");
    await prescription.getByLabel("Препарат").fill("Ксилометазолин");
    await prescription.getByLabel("Доза").fill("0,1% по 1 дозе");
    await prescription.getByLabel("Схема приёма").fill("2 раза в день");
    await prescription.getByLabel("Напоминать в").fill("08:00, 20:00");
    await page.getByRole("button", { name: "Подписать" }).click();
    await expect.poll(() => page.getByTestId("protocol-version").count(), { timeout: 10_000 }).toBe(2);
    const correction = await h.db.protocol.findFirstOrThrow({ where: { consultationId: consultation.id, version: 2 } });
    expect(correction).toMatchObject({ status: "signed", previousId: signed.id });
    expect(correction.content).toMatchObject({ assessment: { kind: "diagnosis", codes: ["J00"] }, prescriptions: [{ medicine: "Ксилометазолин", durationDays: 7, remindAt: ["08:00", "20:00"] }] });
    // The signed prescription's reminder times become the patient's medication reminders.
    await expect
      .poll(() => h.db.medicationSchedule.findMany({ where: { consultationId: consultation.id } }).then((rows) => rows.map((r) => [r.medicine, r.timesOfDay])), { timeout: 10_000 })
      .toEqual([["Ксилометазолин", ["08:00", "20:00"]]]);
    await context.close();
  }, 90_000);
});
