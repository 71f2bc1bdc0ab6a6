import { mkdirSync } from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeBrowserHarness, createStaff, loginConsole, type StaffLogin, startBrowserHarness } from "./helpers/browser";
import type { Harness } from "./helpers/harness";

const shots = "test-output/console-colleague";
mkdirSync(shots, { recursive: true });

let h: Harness;
let browser: Browser;
let base: string;
let gp: StaffLogin;
let cardiologist: StaffLogin;

beforeAll(async () => {
  ({ h, base, browser } = await startBrowserHarness());
  gp = await createStaff(h, "colleague-gp", "doctor", ["gp"]);
  cardiologist = await createStaff(h, "colleague-cardio", "doctor", ["cardiology"]);
});

afterAll(async () => {
  await closeBrowserHarness(h, browser);
});

const QUESTION = "Нужна ли ЭКГ при давлении 172/101?";
const ANSWER = "Да, ЭКГ в течение недели; до неё бета-блокатор не назначать.";

describe("ask a colleague in the console", () => {
  it("the treating doctor asks from the thread, the colleague reads the case and answers, the answer is read and cited in the protocol", async () => {
    const patient = h.newPatient("ru");
    await h.openConsultation(patient, "Давление 170/100 третий день, голова тяжёлая");
    const where = { account: { externalUserId: String(patient.id) } };
    await expect.poll(() => h.db.consultation.count({ where }), { timeout: 10_000 }).toBe(1);
    const consultation = await h.db.consultation.findFirstOrThrow({ where });
    await h.db.reading.create({ data: { patientId: consultation.patientId, deviceId: "tonometer", kind: "blood_pressure", value: 172, value2: 101, source: "json", measuredAt: new Date(Date.now() - 3600_000) } });

    // The cardiologist has the console open on their (empty) questions from colleagues.
    const cardioContext = await browser.newContext({ locale: "ru-RU", viewport: { width: 1366, height: 900 } });
    const cardioPage = await loginConsole(cardioContext, base, cardiologist);
    await cardioPage.getByRole("button", { name: "Коллеги" }).click();
    await cardioPage.getByTestId("colleagues").waitFor();
    const question = cardioPage.getByTestId("colleague-question");
    expect(await question.count()).toBe(0);

    // The treating doctor takes the thread and asks the cardiologist by name.
    const gpContext = await browser.newContext({ locale: "ru-RU", viewport: { width: 1366, height: 900 } });
    const gpPage = await loginConsole(gpContext, base, gp);
    const row = gpPage.locator(`li[data-id="${consultation.id}"]`);
    await row.waitFor({ timeout: 10_000 });
    await row.getByRole("button", { name: "Открыть" }).click();
    await gpPage.getByRole("button", { name: "Взять" }).click();
    const panel = gpPage.getByTestId("colleague-panel");
    await panel.waitFor();
    expect(await panel.textContent()).toContain("пациент этого не видит");
    await panel.getByLabel("Коллега").selectOption({ label: "colleague-cardio doctor · Кардиолог" });
    await panel.getByLabel("Вопрос").fill(QUESTION);
    await panel.getByRole("button", { name: "Спросить" }).click();
    await expect.poll(() => panel.getByTestId("colleague-invitation").textContent(), { timeout: 10_000 }).toContain("открыт");
    expect(await panel.getByTestId("colleague-invitation").textContent()).toContain(QUESTION);
    await gpPage.screenshot({ path: `${shots}/01-asked-from-thread.png`, fullPage: true });

    // The colleague is told at once and the question arrives in their inbox without a reload; then the case
    // (intake, messages, readings) read only, then the answer.
    await expect.poll(() => cardioPage.getByTestId("notice").textContent(), { timeout: 10_000 }).toContain("Коллега просит вашего мнения");
    await expect.poll(() => question.textContent(), { timeout: 10_000 }).toContain(QUESTION);
    expect(await question.textContent()).toContain(`№ ${consultation.number}`);
    await question.getByRole("button", { name: "Открыть случай" }).click();
    const view = cardioPage.getByTestId("colleague-case");
    await view.waitFor();
    await expect.poll(() => view.textContent(), { timeout: 10_000 }).toContain("Давление 170/100 третий день");
    expect(await cardioPage.getByTestId("colleague-question-text").textContent()).toContain(QUESTION);
    expect(await cardioPage.getByTestId("colleague-readings").textContent()).toContain("172/101");
    // No reply to the patient from here: the only box is the doctors-only answer.
    expect(await view.getByLabel("Ответ").count()).toBe(1);
    expect(await view.getByRole("button", { name: "Взять" }).count()).toBe(0);
    await cardioPage.screenshot({ path: `${shots}/02-colleague-reads-the-case.png`, fullPage: true });
    await view.getByLabel("Ответ").fill(ANSWER);
    await view.getByRole("button", { name: "Отправить ответ" }).click();
    await expect.poll(() => question.textContent(), { timeout: 10_000 }).toContain("отвечен");
    // Answered: the case is closed to them, the button gone and the api refusing.
    expect(await question.getByRole("button", { name: "Открыть случай" }).count()).toBe(0);
    const invitation = await h.db.colleagueInvitation.findFirstOrThrow({ where: { consultationId: consultation.id } });
    const refused = await cardioPage.evaluate(async (id) => (await fetch(`/api/v1/colleague-invitations/${id}/case`)).status, invitation.id);
    expect(refused).toBe(403);
    await cardioPage.screenshot({ path: `${shots}/03-colleague-answered.png`, fullPage: true });

    // The treating doctor, still in the thread, is told and sees the answer in the doctors-only part; then cites it.
    await expect.poll(() => gpPage.getByTestId("notice").textContent(), { timeout: 10_000 }).toContain("Коллега ответил на ваш вопрос");
    await expect.poll(() => gpPage.getByTestId("colleague-answer").textContent(), { timeout: 10_000 }).toContain(ANSWER);
    await gpPage.getByRole("button", { name: "Начать протокол" }).click();
    const citations = gpPage.getByTestId("colleague-citations");
    await citations.waitFor();
    await citations.getByRole("button", { name: "Процитировать ответ коллеги" }).click();
    await citations.getByRole("button", { name: "Процитировать ответ: colleague-cardio doctor" }).click();
    await expect.poll(() => citations.getByTestId("cited-answer").textContent(), { timeout: 10_000 }).toContain(ANSWER);
    await gpPage.getByLabel("Рекомендации").fill("ЭКГ в течение недели, дневник давления");
    await gpPage.getByRole("button", { name: "Сохранить черновик" }).click();
    await expect.poll(() => gpPage.getByTestId("protocol-message").textContent(), { timeout: 10_000 }).toContain("Сохранено");
    const protocol = await h.db.protocol.findFirstOrThrow({ where: { consultationId: consultation.id } });
    expect((protocol.content as { colleagueAnswers: unknown[] }).colleagueAnswers).toEqual([
      expect.objectContaining({ invitationId: invitation.id, colleagueName: "colleague-cardio doctor", answer: ANSWER }),
    ]);
    await gpPage.screenshot({ path: `${shots}/04-answer-cited-in-protocol.png`, fullPage: true });

    // The patient's chat has the notice that a colleague was consulted, never the question or the answer.
    const chat = h.telegram.sent(patient.id).map((c) => String(c.params.text));
    expect(chat.some((text) => text.includes("попросил совета у коллеги"))).toBe(true);
    expect(chat.some((text) => text.includes(QUESTION) || text.includes(ANSWER))).toBe(false);
    await gpContext.close();
    await cardioContext.close();
  }, 90_000);
});
