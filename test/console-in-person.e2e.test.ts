import { mkdirSync } from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { shortId } from "../core/video/short-id";
import { closeBrowserHarness, createStaff, loginConsole, startBrowserHarness } from "./helpers/browser";
import type { Harness } from "./helpers/harness";

let h: Harness;
let browser: Browser;
let base: string;

beforeAll(async () => {
  mkdirSync("test-output/console", { recursive: true });
  ({ h, base, browser } = await startBrowserHarness());
});

afterAll(async () => {
  await closeBrowserHarness(h, browser);
});

/** `datetime-local` value `minutes` from now, in the browser's (= this machine's) timezone. */
const local = (minutes: number) => {
  const at = new Date(Date.now() + minutes * 60_000);
  return new Date(at.getTime() - at.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};

describe("the console's in-person slots and the front desk", () => {
  it("lets a doctor publish an in-person slot with room and address, and the front desk mark the booked visit attended", async () => {
    // Staff specialties come from the clinic's directory; the patient presses this very slot's button.
    const specialty = "cardiology";
    const doctor = await createStaff(h, "in-person-doctor", "doctor", [specialty]);
    const context = await browser.newContext({ locale: "en-US", viewport: { width: 1366, height: 900 } });
    const page = await loginConsole(context, base, doctor);
    await page.getByRole("button", { name: "Video" }).click();
    await page.getByTestId("video").waitFor();

    const form = page.getByTestId("slot-form");
    await form.getByLabel("Kind").selectOption("in_person");
    await form.getByLabel("Room").fill("214");
    await form.getByLabel("Address").fill("Tverskaya 1, Moscow");
    await form.getByLabel("From").fill(local(120));
    await form.getByLabel("To").fill(local(150));
    await form.getByRole("button", { name: "Publish a slot" }).click();
    const listed = page.getByTestId("slots").locator("li");
    await expect.poll(() => listed.count(), { timeout: 10_000 }).toBe(1);
    expect(await listed.first().textContent()).toContain("In person: Tverskaya 1, Moscow, Room 214 · free");
    const slot = await h.db.videoSlot.findFirstOrThrow({ where: { doctorId: doctor.doctorId! } });
    expect([slot.kind, slot.room, slot.address]).toEqual(["in_person", "214", "Tverskaya 1, Moscow"]);

    // A patient books it in the bot; the doctor's list shows it booked.
    const patient = h.newPatient("ru");
    await h.onboard(patient);
    await h.say(patient, `/visit ${specialty}`);
    await h.press(patient, `video:book:${shortId(slot.id)}`);
    const appointment = await h.db.appointment.findFirstOrThrow({ where: { activeSlotId: slot.id } });
    await page.getByRole("button", { name: "Queue" }).click();
    await page.getByRole("button", { name: "Video" }).click();
    await expect.poll(async () => (await page.getByTestId("slots").locator("li").first().textContent()) ?? "", { timeout: 10_000 }).toContain("booked");
    await page.screenshot({ path: "test-output/console/30-in-person-slot.png", fullPage: true });

    // The visit took place (its time moved into the past here); the front desk marks it attended.
    const visitedAt = new Date(Date.now() - 3600_000);
    await h.db.videoSlot.update({ where: { id: slot.id }, data: { startsAt: visitedAt, endsAt: new Date(visitedAt.getTime() + 1800_000) } });
    const admin = await createStaff(h, "front-desk", "admin");
    const deskContext = await browser.newContext({ locale: "en-US", viewport: { width: 1366, height: 900 } });
    const desk = await loginConsole(deskContext, base, admin);
    await desk.getByRole("button", { name: "In-person" }).click();
    const row = desk.locator(`li[data-appointment="${appointment.id}"]`);
    await row.waitFor({ timeout: 10_000 });
    expect(await row.textContent()).toContain("Tverskaya 1, Moscow, Room 214");
    await row.getByLabel("ICD-10 code").fill("I10");
    await row.getByLabel("Problem seen at the visit").fill("Essential hypertension");
    await desk.screenshot({ path: "test-output/console/31-front-desk.png", fullPage: true });
    await row.getByRole("button", { name: "Attended" }).click();
    await row.getByText("attended", { exact: true }).waitFor({ timeout: 10_000 });
    await desk.screenshot({ path: "test-output/console/32-front-desk-attended.png", fullPage: true });

    const visit = await h.db.inPersonVisit.findFirstOrThrow({ where: { patientId: appointment.patientId } });
    expect([visit.source, visit.icd10Code, visit.visitedAt.toISOString(), visit.externalId]).toEqual(["booking", "I10", visitedAt.toISOString(), `appointment-${appointment.id}`]);

    // Another patient booked the next slot and did not come: the front desk says so, and no visit is recorded.
    const next = await h.db.videoSlot.create({ data: { doctorId: doctor.doctorId!, specialty, kind: "in_person", room: "214", address: "Tverskaya 1, Moscow", startsAt: new Date(Date.now() + 7200_000), endsAt: new Date(Date.now() + 9000_000) } });
    const absent = h.newPatient("ru");
    await h.onboard(absent);
    await h.say(absent, `/visit ${specialty}`);
    await h.press(absent, `video:book:${shortId(next.id)}`);
    const missed = await h.db.appointment.findFirstOrThrow({ where: { activeSlotId: next.id } });
    await h.db.videoSlot.update({ where: { id: next.id }, data: { startsAt: new Date(visitedAt.getTime() + 1800_000), endsAt: new Date(visitedAt.getTime() + 3600_000) } });
    await desk.reload();
    await desk.getByRole("button", { name: "In-person" }).click();
    const missedRow = desk.locator(`li[data-appointment="${missed.id}"]`);
    await missedRow.getByRole("button", { name: "Did not come" }).click();
    await missedRow.getByText("did not come", { exact: true }).waitFor({ timeout: 10_000 });
    await desk.screenshot({ path: "test-output/console/33-front-desk-did-not-come.png", fullPage: true });
    expect((await h.db.appointment.findUniqueOrThrow({ where: { id: missed.id } })).status).toBe("no_show");
    expect(await h.db.inPersonVisit.count({ where: { patientId: missed.patientId } })).toBe(0);
    await context.close();
    await deskContext.close();
  });
});
