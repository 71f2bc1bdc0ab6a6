import { mkdirSync } from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeBrowserHarness, createStaff, loginConsole, startBrowserHarness } from "./helpers/browser";
import type { Harness } from "./helpers/harness";
import { LIVEKIT_KEY, LIVEKIT_SECRET, LiveKitStandIn } from "./helpers/livekit-stand-in";
import { TestPki } from "./helpers/test-pki";

/**
 * A consilium in the console (issue 18 point 2): the treating doctor calls it from the thread with a colleague,
 * records the conclusion and signs; the colleague finds it under "Consilia", enters the room and signs; the
 * patient's document is made once both have signed.
 */
const shots = "test-output/console-consilium";
mkdirSync(shots, { recursive: true });

let h: Harness;
let lk: LiveKitStandIn;
let browser: Browser;
let base: string;
const pki = new TestPki();

beforeAll(async () => {
  lk = await new LiveKitStandIn().start();
  ({ h, base, browser } = await startBrowserHarness({ DOCTOR_CERTS_DIR: pki.certsDir, DOCTOR_CERTS_PASSWORD: pki.password, LIVEKIT_URL: lk.wsUrl, LIVEKIT_API_KEY: LIVEKIT_KEY, LIVEKIT_API_SECRET: LIVEKIT_SECRET }));
});

afterAll(async () => {
  await closeBrowserHarness(h, browser);
  await lk?.stop();
});

describe("consilium in the console", () => {
  it("calls a consilium from a thread with a colleague, concludes it and has both doctors sign", async () => {
    const treating = await createStaff(h, "consilium-gp", "doctor", ["gp"]);
    const colleague = await createStaff(h, "consilium-cardio", "doctor", ["cardiology"]);
    pki.issueDoctor(treating.doctorId!, "consilium-gp doctor");
    pki.issueDoctor(colleague.doctorId!, "consilium-cardio doctor");
    const patient = h.newPatient("ru");
    await h.openConsultation(patient, "Перебои в сердце по ночам");
    const consultation = await h.db.consultation.findFirstOrThrow({ where: { account: { externalUserId: String(patient.id) } } });

    const context = await browser.newContext({ locale: "ru-RU", viewport: { width: 1440, height: 900 } });
    const page = await loginConsole(context, base, treating);
    await page.locator(`li[data-id="${consultation.id}"] button`).click();
    await page.getByRole("button", { name: "Взять" }).click();
    const section = page.getByTestId("thread-consilia");
    await section.getByLabel("Вопрос консилиуму").fill("Нужен ли холтер перед назначением терапии?");
    await section.getByLabel("Специальность").selectOption("cardiology");
    await section.getByTestId("consilium-colleagues").getByLabel(/consilium-cardio doctor/).check();
    await section.getByRole("button", { name: "Созвать консилиум" }).click();

    const detail = section.getByTestId("consilium");
    await expect.poll(() => detail.getByTestId("consilium-status").textContent(), { timeout: 10_000 }).toBe("идёт");
    expect(await detail.getByTestId("consilium-participants").textContent()).toMatch(/consilium-gp doctor.*consilium-cardio doctor/);
    await detail.getByLabel("Заключение (предварительная оценка)").fill("Наджелудочковая экстрасистолия?");
    await detail.getByLabel("Рекомендации").fill("Суточное мониторирование ЭКГ, затем очный приём кардиолога");
    await detail.getByRole("button", { name: "Сохранить заключение" }).click();
    await expect.poll(() => detail.getByTestId("consilium-message").textContent(), { timeout: 10_000 }).toBe("Заключение сохранено.");
    await detail.getByRole("button", { name: "Подписать заключение" }).click();
    await expect.poll(() => detail.getByTestId("consilium-status").textContent(), { timeout: 15_000 }).toBe("подписывается");
    await detail.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${shots}/thread-consilium-1440.png`, fullPage: true });

    // The colleague: "Consilia" lists it; they enter the room (the video code's call page) and sign.
    const colleagueContext = await browser.newContext({ locale: "ru-RU", viewport: { width: 1440, height: 900 } });
    const other = await loginConsole(colleagueContext, base, colleague);
    await other.getByRole("button", { name: "Консилиумы" }).click();
    await other.getByTestId("consilia-list").getByRole("button", { name: new RegExp(`№ ${consultation.number}`) }).click();
    const theirs = other.getByTestId("consilium");
    await expect.poll(() => theirs.textContent(), { timeout: 10_000 }).toContain("Нужен ли холтер перед назначением терапии?");
    // The call page opens in a new tab at PUBLIC_URL (not this test's server): the request it makes is what counts.
    const [call] = await Promise.all([
      colleagueContext.waitForEvent("request", (request) => /\/call\/[A-Za-z0-9_-]{16,64}$/.test(request.url())),
      theirs.getByRole("button", { name: "Войти в видеокомнату" }).click(),
    ]);
    expect(call.isNavigationRequest()).toBe(true);
    for (const tab of colleagueContext.pages()) if (tab !== other) await tab.close();
    expect(await theirs.getByLabel("Рекомендации").inputValue()).toBe("Суточное мониторирование ЭКГ, затем очный приём кардиолога");
    await theirs.getByRole("button", { name: "Подписать заключение" }).click();
    await expect.poll(() => theirs.getByTestId("consilium-status").textContent(), { timeout: 15_000 }).toBe("подписан всеми");
    expect(await theirs.getByTestId("consilium-participants").textContent()).not.toContain("не подписал");
    await other.screenshot({ path: `${shots}/consilia-signed-1440.png`, fullPage: true });

    await expect.poll(() => h.db.clinicalDocument.count({ where: { patient: { accounts: { some: { externalUserId: String(patient.id) } } }, kind: "consilium" } }), { timeout: 20_000, interval: 250 }).toBe(1);
    await context.close();
    await colleagueContext.close();
  }, 120_000);
});
