import { mkdirSync } from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeBrowserHarness, createStaff, loginConsole, type StaffLogin, staffPassword, startBrowserHarness } from "./helpers/browser";
import type { Harness } from "./helpers/harness";
import { realPdf } from "./helpers/image-fixtures";
import { walkIntake } from "./helpers/intake-steps";
import { dicomFile } from "./helpers/second-opinion-fixtures";
import { telegramUpdates } from "./helpers/telegram-stand-in";
import { TestPki } from "./helpers/test-pki";
import { freshTotpCode } from "./helpers/totp";

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
  gp = await createStaff(h, "second-opinion-gp", "doctor", ["gp"]);
  pki.issueDoctor(gp.doctorId!, "Ирина Смирнова");
});

afterAll(async () => {
  await closeBrowserHarness(h, browser);
});

type User = { id: number; languageCode: string };
const texts = (user: User) => h.telegram.sent(user.id).map((call) => String(call.params.text));

async function sendDocument(user: User, bytes: Buffer, fileName: string, expected: string) {
  const file = h.telegram.addFile(bytes);
  expect((await h.postUpdate(telegramUpdates.document(h.nextUpdateId(), user, file, fileName))).statusCode).toBe(200);
  await h.telegram.waitFor(() => texts(user).some((t) => t.includes(expected)));
}

describe("a second opinion in the console", () => {
  it("the interpreter translates the requested document; the doctor reviews it beside the original and the DICOM note, and signs a conclusion the guardrail kept preliminary", async () => {
    // The patient: a second-opinion request with a German PDF (translation asked for) and a DICOM scan.
    const user = h.newPatient("ru");
    await h.onboard(user);
    await walkIntake(h.chat(user), "Прошу второе мнение по МРТ из клиники в Германии", { format: "second_opinion" });
    await h.telegram.waitFor(() => texts(user).some((t) => t.includes("Запрос второго мнения №")));
    await sendDocument(user, await realPdf(), "MRT Befund.pdf", "(1 из 10)");
    await sendDocument(user, dicomFile(), "IMG0001", "(2 из 10)");
    const consultation = await h.db.consultation.findFirstOrThrow({ where: { account: { externalUserId: String(user.id) } } });
    const [pdf] = (await h.db.message.findMany({ where: { consultationId: consultation.id } })).flatMap((m) => m.attachments as Array<{ fileId: string }>);
    await h.press(user, `so:tr:${pdf!.fileId}`);
    await h.telegram.waitFor(() => texts(user).some((t) => t.startsWith("Перевод документа заказан")));

    // The interpreter: only the documents to translate, no queue, no patient.
    const email = `second-opinion-interpreter-${Date.now()}@clinic.test`;
    const created = await h.services.staff.create({ email, name: "Мария Шульц", role: "interpreter", password: staffPassword, languages: ["de"] });
    const interpreterContext = await browser.newContext({ locale: "ru-RU", viewport: { width: 1366, height: 900 } });
    const interpreterPage = await interpreterContext.newPage();
    await interpreterPage.goto(`${base}/console/`);
    await interpreterPage.fill("input[name=email]", email);
    await interpreterPage.fill("input[name=password]", staffPassword);
    await interpreterPage.fill("input[name=code]", await freshTotpCode(created.totpSecret));
    await interpreterPage.click("button[type=submit]");
    await interpreterPage.getByTestId("interpreting").waitFor();
    expect(await interpreterPage.getByRole("button", { name: "Очередь" }).count()).toBe(0);
    await interpreterPage.getByRole("button", { name: "Переводы" }).click();
    const request = interpreterPage.getByTestId("translations").locator("li", { hasText: "MRT Befund.pdf" });
    await request.waitFor({ timeout: 10_000 });
    expect(await interpreterPage.getByTestId("translations").textContent()).not.toContain("IMG0001");
    await request.getByLabel("Перевод на русский").fill("МРТ поясничного отдела: протрузия диска L4-L5 до 4 мм.");
    await interpreterPage.screenshot({ path: `${shots}/30-interpreter-translation.png`, fullPage: true });
    await request.getByRole("button", { name: "Отправить перевод" }).click();
    await expect.poll(() => request.textContent(), { timeout: 10_000 }).toContain("переведён");
    await interpreterContext.close();

    // The doctor: the documents, the DICOM note and the translation beside its original, then the conclusion.
    const context = await browser.newContext({ locale: "ru-RU", viewport: { width: 1366, height: 900 } });
    const page = await loginConsole(context, base, gp);
    const row = page.locator(`li[data-id="${consultation.id}"]`);
    await row.waitFor({ timeout: 10_000 });
    await row.getByRole("button", { name: "Открыть" }).click();
    await page.getByRole("button", { name: "Взять" }).click();
    const panel = page.getByTestId("second-opinion");
    await panel.waitFor({ timeout: 10_000 });
    await expect.poll(() => panel.getByTestId("translation").textContent(), { timeout: 10_000 }).toContain("протрузия диска L4-L5");
    expect(await panel.locator(`li[data-file="${pdf!.fileId}"]`).textContent()).toContain("MRT Befund.pdf");
    expect(await panel.getByTestId("dicom-note").textContent()).toContain("DICOM-просмотрщике клиники");

    await page.getByRole("button", { name: "Начать протокол" }).click();
    await page.getByLabel("ФИО пациента").fill("Иванов Пётр Сергеевич");
    await page.getByLabel("Вид оценки").selectOption("diagnosis");
    await page.getByLabel("Текст оценки").fill("Грыжа диска L4-L5 подтверждается");
    await page.getByRole("button", { name: "Подписать" }).click();
    const message = page.getByTestId("protocol-message");
    await expect.poll(() => message.textContent(), { timeout: 10_000 }).toContain("Консультация первичная");
    await page.screenshot({ path: `${shots}/31-second-opinion-refused.png`, fullPage: true });

    await page.getByLabel("Вид оценки").selectOption("preliminary");
    await page.getByLabel("Текст оценки").fill("Данные МРТ согласуются с протрузией L4-L5; диагноз устанавливается на очном приёме");
    await page.getByLabel("Рекомендации").fill("Очный приём невролога с дисками МРТ");
    await page.getByRole("button", { name: "Подписать" }).click();
    await page.getByTestId("protocol-version").waitFor();
    await expect.poll(() => page.getByTestId("protocol-version").textContent(), { timeout: 20_000 }).toContain("заключение второго мнения");
    await page.screenshot({ path: `${shots}/32-second-opinion-signed.png`, fullPage: true });
    expect(await h.db.clinicalDocument.count({ where: { patientId: consultation.patientId, kind: "second_opinion" } })).toBe(1);
    await context.close();
  });
});
