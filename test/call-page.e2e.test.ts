/// <reference lib="dom" />
import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./helpers/browser";
import { startHarness, type Harness } from "./helpers/harness";
import { LIVEKIT_KEY, LIVEKIT_SECRET, LiveKitStandIn } from "./helpers/livekit-stand-in";

let h: Harness;
let lk: LiveKitStandIn;
let browser: Browser;
let base = "";
mkdirSync("test-output", { recursive: true });

beforeAll(async () => {
  lk = await new LiveKitStandIn().start();
  h = await startHarness({ LIVEKIT_URL: lk.wsUrl, LIVEKIT_API_KEY: LIVEKIT_KEY, LIVEKIT_API_SECRET: LIVEKIT_SECRET });
  await h.app.listen({ port: 0, host: "127.0.0.1" });
  base = `http://127.0.0.1:${(h.app.server.address() as { port: number }).port}`;
  // A fake camera and microphone, granted without a prompt.
  browser = await launchChromium(["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
  await lk?.stop();
});

/** A patient in `language` with an accepted video request; returns the links from the bot and the console. */
async function acceptedVisit(language: string, complaint?: string) {
  const specialty = `p${randomUUID().slice(0, 8)}`;
  const { doctor } = await h.services.doctors.create({ name: "Анна Петрова", specialties: [specialty], languages: ["ru", "en"] });
  await h.db.dutyShift.create({
    data: { doctorId: doctor.id, specialty, startsAt: new Date(Date.now() - 3600_000), endsAt: new Date(Date.now() + 3600_000) },
  });
  const patient = h.newPatient(language);
  if (complaint) await h.openConsultation(patient, complaint);
  else await h.onboard(patient);
  const account = await h.db.messengerAccount.findUniqueOrThrow({
    where: { channel_externalUserId: { channel: "telegram", externalUserId: String(patient.id) } },
  });
  const consultation = complaint ? await h.db.consultation.findFirst({ where: { patientId: account.patientId } }) : null;
  const outcome = await h.services.video.requestVideo({
    patientId: account.patientId,
    accountId: account.id,
    specialty,
    consultationId: consultation?.id,
  });
  const visitId = (outcome as { visitId: string }).visitId;
  const fullDoctor = { id: doctor.id, name: doctor.name, specialties: [specialty], languages: ["ru", "en"] };
  await h.services.video.accept(fullDoctor, visitId);
  await h.telegram.waitFor(() => h.telegram.sent(patient.id).some((c) => /\/call\//.test(String(c.params.text))));
  const text = h.telegram.sent(patient.id).map((c) => String(c.params.text)).find((t) => /\/call\//.test(t))!;
  const patientPath = /(\/call\/[A-Za-z0-9_-]+)/.exec(text)![1]!;
  const doctorPath = new URL(await h.services.video.doctorLink(fullDoctor, visitId)).pathname;
  return { visitId, patientId: account.patientId, doctorId: doctor.id, patientPath, doctorPath };
}

async function openPage(path: string): Promise<Page> {
  const context = await browser.newContext({ permissions: ["camera", "microphone"] });
  const page = await context.newPage();
  await page.goto(`${base}${path}`);
  return page;
}

const state = (page: Page, value: string) => page.waitForSelector(`body[data-state="${value}"]`, { timeout: 20_000 });

describe("the call page in headless Chromium (fake camera and microphone)", () => {
  it("checks devices and connection, joins up to LiveKit with the room's token, in the patient's language", async () => {
    const visit = await acceptedVisit("en");
    const page = await openPage(visit.patientPath);
    await state(page, "ready");
    expect(await page.getAttribute("html", "lang")).toBe("en");
    expect(await page.textContent("#title")).toBe("Video consultation");
    for (const check of ["camera", "microphone", "connection"]) {
      expect(await page.getAttribute(`#check-${check}`, "data-result")).toBe("ok");
    }
    expect(await page.textContent("#check-camera")).toBe("Camera: works");
    // the preview really plays the fake camera
    // Polled from outside: waitForFunction with a string is an eval, which the page's CSP refuses.
    await expect.poll(() => page.evaluate(() => (document.getElementById("preview") as HTMLVideoElement).videoWidth), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await page.isEnabled("#join")).toBe(true);

    await page.click("#join");
    // no media server here: the stand-in checks the token in the WebSocket handshake, records it and refuses
    await state(page, "error");
    expect(await page.textContent("#status")).toBe("Cannot reach the video server. Check your internet connection and try again.");
    expect(await page.isVisible("#retry")).toBe(true);
    const attempt = lk.rtc.find((a) => a.identity === `patient-${visit.patientId}`);
    expect(attempt).toEqual({ identity: `patient-${visit.patientId}`, room: `visit-${visit.visitId}` });
    await page.screenshot({ path: "test-output/call-page-patient-en.png" });

    // the same link in another browser (another device) is refused with a clear message
    const thief = await openPage(visit.patientPath);
    await state(thief, "ready");
    await thief.click("#join");
    await state(thief, "error");
    expect(await thief.textContent("#status")).toMatch(/^This link is not valid/);
  });

  it("shows the doctor the intake beside the video, in Russian", async () => {
    const visit = await acceptedVisit("ru", "Кашель и температура 38 второй день");
    const page = await openPage(visit.doctorPath);
    await state(page, "ready");
    expect(await page.getAttribute("html", "lang")).toBe("ru");
    expect(await page.textContent("#check-microphone")).toBe("Микрофон: в порядке");
    await page.click("#join");
    await page.waitForSelector("#intake:not([hidden])");
    expect(await page.textContent("#intake-title")).toBe("Анкета пациента");
    expect(await page.textContent("#intake-list")).toContain("Кашель и температура 38 второй день");
    await state(page, "error");
    expect(lk.rtc.some((a) => a.identity === `doctor-${visit.doctorId}` && a.room === `visit-${visit.visitId}`)).toBe(true);
    await page.screenshot({ path: "test-output/call-page-doctor-ru.png" });
  });

  it("says so when LiveKit cannot be reached at all: the check names the video server, not the patient's internet", async () => {
    const visit = await acceptedVisit("ru");
    await lk.stop();
    const page = await openPage(visit.patientPath);
    await state(page, "ready");
    expect(await page.getAttribute("#check-video-server", "data-result")).toBe("failed");
    expect(await page.getAttribute("#check-connection", "data-result")).toBe("ok");
    expect(await page.textContent("#explain")).toContain("Видеосервер клиники сейчас не отвечает — дело не в вашем интернете");
    expect(await page.isDisabled("#join")).toBe(true);
    expect(await page.textContent("#retry")).toBe("Попробовать снова");
    expect(await page.isVisible("#retry")).toBe(true);
  });
});
