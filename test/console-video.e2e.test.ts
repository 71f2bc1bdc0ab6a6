import { once } from "node:events";
import { createServer, type AddressInfo } from "node:net";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStaff, launchChromium, loginConsole, type StaffLogin } from "./helpers/browser";
import { startHarness, type Harness } from "./helpers/harness";

let h: Harness;
let browser: Browser;
let base: string;
let first: StaffLogin;
let second: StaffLogin;

/** A free port, so the call links the api builds on PUBLIC_URL point at this very server. */
async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, "close");
  return port;
}

beforeAll(async () => {
  const port = await freePort();
  h = await startHarness({ PUBLIC_URL: `http://127.0.0.1:${port}` });
  base = await h.app.listen({ port, host: "127.0.0.1" });
  browser = await launchChromium();
  first = await createStaff(h, "video-first", "doctor", ["gp"]);
  second = await createStaff(h, "video-second", "doctor", ["gp"]);
});

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

/** `datetime-local` value `minutes` from now, in the browser's (= this machine's) timezone. */
const local = (minutes: number) => {
  const at = new Date(Date.now() + minutes * 60_000);
  return new Date(at.getTime() - at.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};

async function videoDesk(context: BrowserContext, doctor: StaffLogin) {
  const page = await loginConsole(context, base, doctor);
  await page.getByRole("button", { name: "Video" }).click();
  await page.getByTestId("video").waitFor();
  return page;
}

describe("the console's video desk", () => {
  it("takes a shift, shows a patient's request live to two doctors, lets one accept and the other see it taken, joins the call and publishes a slot", async () => {
    const contextA = await browser.newContext({ locale: "en-US", viewport: { width: 1366, height: 900 } });
    const contextB = await browser.newContext({ locale: "en-US", viewport: { width: 1366, height: 900 } });
    const a = await videoDesk(contextA, first);
    const b = await videoDesk(contextB, second);

    const shiftForm = a.getByTestId("shift-form");
    await shiftForm.getByLabel("From").fill(local(-5));
    await shiftForm.getByLabel("To").fill(local(8 * 60));
    await shiftForm.getByRole("button", { name: "Add a shift" }).click();
    await expect.poll(() => a.getByTestId("shifts").locator("li").count(), { timeout: 10_000 }).toBe(1);
    expect(await h.db.dutyShift.count({ where: { doctorId: first.doctorId! } })).toBe(1);

    const patient = h.newPatient("ru");
    await h.onboard(patient);
    await h.say(patient, "/video");
    const account = await h.db.messengerAccount.findFirstOrThrow({ where: { externalUserId: String(patient.id) } });
    await expect.poll(() => h.db.videoVisit.count({ where: { accountId: account.id } }), { timeout: 10_000 }).toBe(1);
    const visit = await h.db.videoVisit.findFirstOrThrow({ where: { accountId: account.id } });
    const requestA = a.locator(`li[data-visit="${visit.id}"]`);
    const requestB = b.locator(`li[data-visit="${visit.id}"]`);
    await requestA.waitFor({ timeout: 10_000 });
    await requestB.waitFor({ timeout: 10_000 });
    await a.screenshot({ path: "test-output/console/12-video-request.png", fullPage: true });

    await requestA.getByRole("button", { name: "Accept" }).click();
    await a.locator(`li[data-call="${visit.id}"]`).waitFor();
    await requestB.getByText("taken").waitFor({ timeout: 10_000 });
    expect(await requestB.getByRole("button", { name: "Accept" }).count()).toBe(0);
    expect(await h.db.videoVisit.findUniqueOrThrow({ where: { id: visit.id } })).toMatchObject({ status: "accepted", doctorId: first.doctorId });
    // The patient got their own link from the bot.
    await h.telegram.waitFor(() => h.telegram.sent(patient.id).some((c) => /\/call\//.test(String(c.params.text))));

    const [call] = await Promise.all([contextA.waitForEvent("page"), a.locator(`li[data-call="${visit.id}"]`).getByRole("button", { name: "Join the call" }).click()]);
    await call.waitForLoadState("domcontentloaded");
    expect(call.url()).toMatch(new RegExp(`^${base}/call/`));
    // The doctor's own call page opens, starting with its device check.
    await call.locator("#check-title").waitFor();
    await call.close();
    // Accepted calls survive a reload of the console.
    await a.reload();
    await a.getByRole("button", { name: "Video" }).click();
    await a.locator(`li[data-call="${visit.id}"]`).waitFor();

    const slotForm = a.getByTestId("slot-form");
    await slotForm.getByLabel("From").fill(local(24 * 60));
    await slotForm.getByLabel("To").fill(local(24 * 60 + 30));
    await slotForm.getByRole("button", { name: "Publish a slot" }).click();
    await expect.poll(() => a.getByTestId("slots").textContent(), { timeout: 10_000 }).toContain("free");
    expect(await h.db.videoSlot.count({ where: { doctorId: first.doctorId! } })).toBe(1);
    await a.screenshot({ path: "test-output/console/13-video-desk.png", fullPage: true });
    await contextA.close();
    await contextB.close();
  }, 60_000);
});
