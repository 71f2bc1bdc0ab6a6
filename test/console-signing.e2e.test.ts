import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Queue } from "bullmq";
import { DOCUMENTS_QUEUE, processDocuments } from "../workers/documents.worker";
import { createStaff, launchChromium, loginConsole, type StaffLogin } from "./helpers/browser";
import { startHarness, type Harness } from "./helpers/harness";
import { TestPki } from "./helpers/test-pki";

/**
 * Signing a doctor can operate (issue 16 point 2): no certificate → Sign says why beside the button; an admin uploads
 * the doctor's PKCS#12 in the console, checked at once (a wrong password or a file without its CA is refused beside
 * the form), stored encrypted, its expiry announced 30 days ahead; then Sign works, and a documents job that fails
 * shows its reason. The documents queue is paused: the test runs the documents job itself, so it decides when it fails.
 */
const shots = "test-output/console-signing";
mkdirSync(shots, { recursive: true });

let h: Harness;
let browser: Browser;
let base: string;
let doctor: StaffLogin;
let admin: StaffLogin;
const pki = new TestPki();
let documentsQueue: Queue;

beforeAll(async () => {
  // No DOCTOR_CERTS_DIR: certificates come only from the console.
  h = await startHarness({ DOCTOR_CERTS_DIR: pki.dir + "/none" });
  documentsQueue = new Queue(DOCUMENTS_QUEUE, { connection: h.services.redis, prefix: h.services.config.REDIS_PREFIX });
  await documentsQueue.pause();
  base = await h.app.listen({ port: 0, host: "127.0.0.1" });
  browser = await launchChromium();
  doctor = await createStaff(h, "signing-gp", "doctor", ["gp"]);
  admin = await createStaff(h, "signing-admin", "admin");
});

afterAll(async () => {
  await documentsQueue?.close();
  await browser?.close();
  await h?.close();
});

async function takenThreadWithDraft(page: Page, complaint: string) {
  const patient = h.newPatient("ru");
  await h.openConsultation(patient, complaint);
  const consultation = await h.db.consultation.findFirstOrThrow({ where: { account: { externalUserId: String(patient.id) } } });
  await page.reload();
  await page.locator(`li[data-id="${consultation.id}"] button`).click();
  await page.getByRole("button", { name: "Взять" }).click();
  await page.getByRole("button", { name: "Начать протокол" }).click();
  await page.getByLabel("Рекомендации").fill("Тёплое питьё, покой");
  return consultation;
}

const documentsJob = (protocolId: string) => processDocuments({ data: { protocolId } }, { documents: h.services.documents, logger: h.services.logger });

describe("signing in the console", () => {
  it("refuses Sign without a certificate beside the button, takes an admin's upload after checking it, then signs and shows a failed job's reason", async () => {
    const context = await browser.newContext({ locale: "ru-RU", viewport: { width: 1440, height: 900 } });
    const page = await loginConsole(context, base, doctor);
    const first = await takenThreadWithDraft(page, "Кашель три дня");
    const sign = page.getByRole("button", { name: "Подписать" });
    await sign.click();
    const message = page.getByTestId("protocol-message");
    await expect.poll(() => message.textContent(), { timeout: 10_000 }).toContain("Подписать нельзя: у врача нет сертификата подписи");
    // Beside the button: just below it, not at the top of the section.
    const [button, said] = [(await sign.boundingBox())!, (await message.boundingBox())!];
    expect(said.y).toBeGreaterThan(button.y);
    expect(said.y - button.y).toBeLessThan(120);
    expect((await h.db.protocol.findFirstOrThrow({ where: { consultationId: first.id } })).status).toBe("draft");
    // The screen the doctor sees: the Sign button with the reason under it (docs/ shows it, see README).
    await message.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${shots}/sign-refused-1440.png` });

    // The admin uploads the doctor's PKCS#12: first with a wrong password, then one lacking the clinic CA, then right.
    pki.issueDoctor(doctor.doctorId!, "Ирина Смирнова");
    const adminContext = await browser.newContext({ locale: "ru-RU", viewport: { width: 1440, height: 900 } });
    const adminPage = await loginConsole(adminContext, base, admin);
    await adminPage.getByRole("button", { name: "Администрирование" }).click();
    const row = adminPage.getByTestId("certificates").locator(`tr[data-doctor="${doctor.doctorId}"]`);
    expect(await row.getByTestId("certificate-state").textContent()).toBe("у врача нет сертификата подписи");
    const upload = async (password: string, bytes = pki.p12(doctor.doctorId!)) => {
      if (await row.getByLabel("Файл PKCS#12").count() === 0) await row.getByRole("button", { name: "Загрузить" }).click();
      await row.getByLabel("Файл PKCS#12").setInputFiles({ name: "doctor.p12", mimeType: "application/x-pkcs12", buffer: bytes });
      await row.getByLabel("Пароль файла").fill(password);
      await row.getByRole("button", { name: "Загрузить" }).click();
    };
    await upload("wrong password");
    await expect.poll(() => row.getByTestId("certificate-result").textContent(), { timeout: 10_000 }).toBe("пароль не подходит к файлу");
    const lonely = new TestPki();
    lonely.issueDoctor(doctor.doctorId!, "Без цепочки");
    const withoutCa = lonely.p12WithoutChain(doctor.doctorId!);
    await upload(lonely.password, withoutCa);
    await expect.poll(() => row.getByTestId("certificate-result").textContent(), { timeout: 10_000 }).toContain("нет сертификата удостоверяющего центра");
    expect(await h.db.signingCertificate.count({ where: { doctorId: doctor.doctorId! } })).toBe(0);
    await upload(pki.password);
    await expect.poll(() => row.getByTestId("certificate-result").textContent(), { timeout: 10_000 }).toMatch(/^Сертификат проверен и сохранён: .*CN=Ирина Смирнова/);
    // TestPki's certificates last 30 days: the admin is told now.
    await expect.poll(() => row.getByTestId("certificate-state").textContent(), { timeout: 10_000 }).toMatch(/^истекает через (29|30) д/);
    await adminPage.getByTestId("certificates-expiring").waitFor();
    await adminPage.screenshot({ path: `${shots}/admin-certificates-1440.png`, fullPage: true });
    await adminContext.close();

    // Stored through the encrypted file store, not in clear.
    const stored = await h.db.signingCertificate.findUniqueOrThrow({ where: { doctorId: doctor.doctorId! } });
    expect((await h.services.files.read(stored.p12FileId)).bytes.equals(pki.p12(doctor.doctorId!))).toBe(true);
    expect(await h.db.auditEvent.count({ where: { action: "signing_certificate.upload", entityId: doctor.doctorId! } })).toBe(1);

    // Now Sign works and the documents job signs with the uploaded certificate.
    await sign.click();
    await expect.poll(() => message.textContent(), { timeout: 10_000 }).toContain("Подписано. Документы готовятся");
    const signed = await h.db.protocol.findFirstOrThrow({ where: { consultationId: first.id } });
    expect(signed.status).toBe("signed");
    expect(await documentsJob(signed.id)).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId("protocol-version").textContent(), { timeout: 10_000 }).not.toContain("готовятся");

    // A job that fails for good (here: the certificate was withdrawn after signing) shows its reason to the doctor.
    const second = await takenThreadWithDraft(page, "Насморк неделю");
    await sign.click();
    await expect.poll(async () => (await h.db.protocol.findFirstOrThrow({ where: { consultationId: second.id } })).status, { timeout: 10_000 }).toBe("signed");
    await h.db.signingCertificate.delete({ where: { doctorId: doctor.doctorId! } });
    const failing = await h.db.protocol.findFirstOrThrow({ where: { consultationId: second.id } });
    await expect(documentsJob(failing.id)).rejects.toThrow(/no signing certificate/);
    await expect.poll(() => page.getByTestId("documents-failure").textContent(), { timeout: 10_000 }).toContain("Документы не сформированы: no signing certificate");
    await page.screenshot({ path: `${shots}/documents-failed-1440.png`, fullPage: true });
    await context.close();
  }, 120_000);
});
