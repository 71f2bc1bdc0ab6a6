import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./helpers/browser";
import { startHarness, type Harness } from "./helpers/harness";

// Issue 15 point 3: the disclosure page of Order 965n p. 46, from configuration and data.
let h: Harness;
let browser: Browser;
let base: string;
const out = join(import.meta.dirname, "..", "test-output", "about");

beforeAll(async () => {
  mkdirSync(out, { recursive: true });
  h = await startHarness({
    CLINIC_NAME: "ООО «Клиника Здоровье»",
    CLINIC_LICENSE: "Л041-01137-77/00368259 от 01.02.2021",
    CLINIC_ADDRESS: "125009, Москва, ул. Тверская, д. 1",
    INFORMATION_SYSTEM_NAME: "Телеконс",
    INFORMATION_SYSTEM_OPERATOR: "ООО «Клиника Здоровье», ИНН 7701234567",
    PERSONAL_DATA_OPERATOR: "ООО «Клиника Здоровье», рег. № 77-21-012345",
    PERSONAL_DATA_CONTACTS: "dpo@clinic.example, +7 495 000-00-00",
    PUBLIC_URL: "https://clinic.test",
  });
  const created = await h.services.staff.create({ email: `about-${Date.now()}@clinic.test`, name: "Анна Петрова", role: "doctor", password: "a long enough password", specialties: ["gp"], languages: ["ru", "uz"] });
  await h.db.doctor.update({ where: { id: created.staff.doctor!.id }, data: { certificateNumber: "7725-031234567", certificateValidUntil: new Date("2029-06-30") } });
  base = await h.app.listen({ port: 0, host: "127.0.0.1" });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe("GET /about", () => {
  it("publishes the organisation, system, personal-data operator, doctors with certificates and consent versions, in Russian and the patient's language", async () => {
    const page = await h.app.inject({ method: "GET", url: "/about?lang=uz" });
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-type"]).toContain("text/html");
    const html = page.body;
    for (const expected of [
      "ООО «Клиника Здоровье»", "Л041-01137-77/00368259 от 01.02.2021", "125009, Москва, ул. Тверская, д. 1", "Телеконс",
      "ИНН 7701234567", "рег. № 77-21-012345", "dpo@clinic.example",
      "Анна Петрова", "7725-031234567, действует до 2029-06-30", "Sertifikat / akkreditatsiya № 7725-031234567, 2029-06-30 gacha amal qiladi",
      "Сведения о клинике и дистанционных консультациях", "Klinika va masofaviy konsultatsiyalar haqida ma'lumot",
      "редакция 2026-11-01",
    ]) expect(html).toContain(expected.replaceAll("'", "&#39;"));
    // Russian only when the patient's language is Russian; an unknown language falls back to it.
    expect((await h.app.inject({ method: "GET", url: "/about" })).body).not.toContain("Klinika va");
    expect((await h.app.inject({ method: "GET", url: "/about?lang=xx" })).statusCode).toBe(200);
  });

  it("is linked by the bot's /about in the patient's language, before any consent", async () => {
    const user = h.newPatient("en");
    await h.say(user, "/about");
    await h.telegram.waitFor(() => h.telegram.sent(user.id).some((c) => String(c.params.text).includes("/about?lang=")));
    expect(h.telegram.sent(user.id).map((c) => String(c.params.text))).toContain("About the clinic, its doctors and consents: https://clinic.test/about?lang=en");
  });

  it("reads well on a phone and a desktop (Chromium, 390 and 1440 px)", async () => {
    for (const width of [390, 1440]) {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      await page.goto(`${base}/about?lang=ky`);
      await expect.poll(() => page.locator("section").count()).toBe(2);
      // Nothing wider than the screen: long licence numbers and contacts wrap.
      expect(await page.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(width);
      // Other tests' doctors share the database: find ours.
      expect(await page.locator("[data-doctor]", { hasText: "7725-031234567" }).first().innerText()).toContain("Анна Петрова");
      await page.screenshot({ path: join(out, `about-${width}.png`), fullPage: true });
      await page.close();
    }
  });
});
