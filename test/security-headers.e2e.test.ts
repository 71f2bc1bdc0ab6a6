/// <reference lib="dom" />
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import Fastify from "fastify";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { registerSecurityHeaders } from "../core/http/security-headers";
import { createStaff, launchChromium, loginConsole } from "./helpers/browser";
import { startHarness, type Harness } from "./helpers/harness";
import { LIVEKIT_KEY, LIVEKIT_SECRET, LiveKitStandIn } from "./helpers/livekit-stand-in";

let h: Harness;
let lk: LiveKitStandIn;
let browser: Browser;
let base = "";

beforeAll(async () => {
  lk = await new LiveKitStandIn().start();
  // The "clinic's site" of these tests is http://localhost:<any port>; the api is on 127.0.0.1.
  h = await startHarness({
    LIVEKIT_URL: lk.wsUrl,
    LIVEKIT_API_KEY: LIVEKIT_KEY,
    LIVEKIT_API_SECRET: LIVEKIT_SECRET,
    WIDGET_FRAME_ANCESTORS: "http://localhost:*",
  });
  base = await h.app.listen({ port: 0, host: "127.0.0.1" });
  browser = await launchChromium(["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
  await lk?.stop();
});

/**
 * A browser context that records every CSP violation in any of its frames: the `securitypolicyviolation`
 * events and Chromium's console lines about a refused resource.
 */
async function watchedContext(options: Parameters<Browser["newContext"]>[0] = {}) {
  const context = await browser.newContext(options);
  onTestFinished(() => context.close());
  const violations: string[] = [];
  await context.exposeBinding("reportCspViolation", (_source, text: string) => void violations.push(text));
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      void (window as unknown as { reportCspViolation(t: string): void }).reportCspViolation(`${e.violatedDirective} ${e.blockedURI} on ${document.location.pathname} (${e.sourceFile}:${e.lineNumber}:${e.columnNumber} ${e.sample})`);
    });
  });
  const watch = (page: Page) =>
    page.on("console", (message) => {
      if (/Content Security Policy|Refused to/.test(message.text())) violations.push(message.text());
    });
  context.on("page", watch);
  return { context, violations };
}

/** An accepted video visit of a new Telegram patient; returns the patient's call link. */
async function callLink(): Promise<string> {
  const specialty = `s${randomUUID().slice(0, 8)}`;
  const { doctor } = await h.services.doctors.create({ name: "Анна Петрова", specialties: [specialty], languages: ["ru", "en"] });
  await h.db.dutyShift.create({ data: { doctorId: doctor.id, specialty, startsAt: new Date(Date.now() - 3600_000), endsAt: new Date(Date.now() + 3600_000) } });
  const patient = h.newPatient("en");
  await h.onboard(patient);
  const account = await h.db.messengerAccount.findUniqueOrThrow({ where: { channel_externalUserId: { channel: "telegram", externalUserId: String(patient.id) } } });
  const outcome = await h.services.video.requestVideo({ patientId: account.patientId, accountId: account.id, specialty });
  const visitId = (outcome as { visitId: string }).visitId;
  await h.services.video.accept({ id: doctor.id, name: doctor.name, specialties: [specialty], languages: ["ru", "en"] }, visitId);
  await h.telegram.waitFor(() => h.telegram.sent(patient.id).some((c) => /\/call\//.test(String(c.params.text))));
  const text = h.telegram.sent(patient.id).map((c) => String(c.params.text)).find((t) => /\/call\//.test(t))!;
  return /(\/call\/[A-Za-z0-9_-]+)/.exec(text)![1]!;
}

const csp = (headers: Record<string, unknown>) => String(headers["content-security-policy"]);

describe("security headers", () => {
  it("send a strict policy by default and a policy fitting each page", async () => {
    const api = await h.app.inject({ method: "GET", url: "/health" });
    expect(csp(api.headers)).toContain("frame-ancestors 'none'");
    expect(csp(api.headers)).toContain("default-src 'self'");
    expect(api.headers["x-frame-options"]).toBe("DENY");
    expect(api.headers["referrer-policy"]).toBe("no-referrer");
    expect(api.headers["strict-transport-security"]).toBeUndefined();

    const widget = await h.app.inject({ method: "GET", url: "/widget" });
    expect(csp(widget.headers)).toContain("frame-ancestors http://localhost:*");
    expect(csp(widget.headers)).toMatch(/style-src 'self' 'sha256-[A-Za-z0-9+/=]+'/);
    expect(widget.headers["x-frame-options"]).toBeUndefined();
    const embed = await h.app.inject({ method: "GET", url: "/widget/embed.js" });
    expect(embed.headers["cross-origin-resource-policy"]).toBe("cross-origin");

    const app = await h.app.inject({ method: "GET", url: `/exam/app?intake=${randomUUID()}&lang=en` });
    expect(csp(app.headers)).toContain("frame-ancestors https://web.telegram.org");
    expect(csp(app.headers)).toMatch(/script-src 'self' 'sha256-[^']+' https:\/\/telegram\.org/);

    const call = await h.app.inject({ method: "GET", url: "/call/AAAAAAAAAAAAAAAAAAAAAA" });
    expect(csp(call.headers)).toContain(`connect-src 'self' ${lk.wsUrl} ${lk.wsUrl.replace("ws://", "http://")}`);
    expect(csp(call.headers)).toContain("frame-ancestors 'none'");

    const oidc = await h.app.inject({ method: "GET", url: "/identity/oidc/callback?state=s&code=c" });
    expect(csp(oidc.headers)).toContain("script-src 'self'");
  });

  it("add HSTS and upgrade-insecure-requests only in production", async () => {
    const headersOf = async (production: boolean) => {
      const app = Fastify();
      await registerSecurityHeaders(app, { production, livekitUrl: "wss://video.clinic.example", widgetFrameAncestors: ["'self'"] });
      app.get("/", async () => "ok");
      const response = await app.inject({ method: "GET", url: "/" });
      await app.close();
      return response.headers;
    };
    const production = await headersOf(true);
    expect(production["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
    expect(csp(production)).toContain("upgrade-insecure-requests");
    const development = await headersOf(false);
    expect(development["strict-transport-security"]).toBeUndefined();
    expect(csp(development)).not.toContain("upgrade-insecure-requests");
  });
});

describe("every page in Chromium under its policy", () => {
  it("the web chat, standalone and inside an allowed clinic site, with no violation; another site cannot frame it", async () => {
    const { context, violations } = await watchedContext({ locale: "en-US" });
    const page = await context.newPage();
    await page.goto(`${base}/widget`);
    await page.locator(".msg.in", { hasText: "Hello! This is Telecons" }).waitFor();
    await page.getByRole("button", { name: "I agree", exact: true }).first().click();
    await page.locator(".msg.in", { hasText: "Consent to medical care by telemedicine" }).waitFor();

    const clinic = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(`<html lang="en"><body><h1>Clinic</h1><script src="${base}/widget/embed.js" async></script></body></html>`);
    });
    await new Promise<void>((resolve) => clinic.listen(0, "127.0.0.1", resolve));
    onTestFinished(() => void clinic.close());
    const port = (clinic.address() as AddressInfo).port;
    const site = await context.newPage();
    await site.goto(`http://localhost:${port}/`);
    await site.getByRole("button", { name: "Chat" }).click();
    await site.frameLocator("iframe[title=Telecons]").locator(".msg.in", { hasText: "Hello! This is Telecons" }).waitFor();
    expect(violations).toEqual([]);

    // The same clinic page on an origin WIDGET_FRAME_ANCESTORS does not name: the browser refuses the frame.
    const stranger = await context.newPage();
    await stranger.goto(`http://127.0.0.1:${port}/`);
    await stranger.getByRole("button", { name: "Chat" }).click();
    await expect.poll(() => violations.join("\n"), { timeout: 10_000 }).toContain("frame-ancestors");
    expect(await stranger.frameLocator("iframe[title=Telecons]").locator(".msg").count()).toBe(0);
  });

  it("the call page checks devices and reaches LiveKit with no violation", async () => {
    const path = await callLink();
    const { context, violations } = await watchedContext({ permissions: ["camera", "microphone"] });
    const page = await context.newPage();
    await page.goto(`${base}${path}`);
    await page.waitForSelector('body[data-state="ready"]', { timeout: 20_000 });
    // Polled from outside: waitForFunction with a string would itself be an eval the policy refuses.
    await expect.poll(() => page.evaluate(() => (document.getElementById("preview") as HTMLVideoElement).videoWidth), { timeout: 10_000 }).toBeGreaterThan(0);
    const attempts = lk.rtc.length;
    await page.click("#join");
    // The stand-in refuses the media session after the WebSocket handshake: the page got that far under its CSP.
    await page.waitForSelector('body[data-state="error"]', { timeout: 20_000 });
    expect(lk.rtc.length).toBeGreaterThan(attempts);
    expect(violations).toEqual([]);
  });

  it("the body-map page (one-time link and Telegram Mini App) runs its script and posts with no violation", async () => {
    const { context, violations } = await watchedContext();
    const link = await h.services.exams.button(
      { accountId: randomUUID(), patientId: randomUUID(), channel: "web", chatId: "c", language: "en" },
      randomUUID(),
      "open",
    );
    const page = await context.newPage();
    await page.goto(`${base}${new URL("url" in link ? link.url : "").pathname}`);
    await page.locator('[data-region="chest_left"]').first().click();
    expect(await page.locator("rect.on").count()).toBeGreaterThan(0);
    await page.click("button[type=submit]");
    await expect.poll(() => page.textContent("#status")).not.toBe("");

    const app = await context.newPage();
    await app.goto(`${base}/exam/app?intake=${randomUUID()}&lang=en`);
    await app.locator('[data-region="chest_left"]').first().click();
    expect(await app.locator("rect.on").count()).toBeGreaterThan(0);
    await app.click("button[type=submit]");
    await expect.poll(() => app.textContent("#status")).not.toBe("");
    expect(violations).toEqual([]);
  });

  it("the patient account and the console render with no violation", async () => {
    const { context, violations } = await watchedContext();
    const patient = h.newPatient("en");
    await h.onboard(patient);
    const account = await h.db.messengerAccount.findUniqueOrThrow({ where: { channel_externalUserId: { channel: "telegram", externalUserId: String(patient.id) } } });
    const login = await h.services.accounts.createLoginLink(account.patientId);
    const page = await context.newPage();
    await page.goto(login.url.replace(h.services.config.PUBLIC_URL, base));
    await page.locator("h1").waitFor();
    expect(new URL(page.url()).pathname).toBe("/account");
    // The page's inline style applies (its hash is in the policy).
    expect(await page.evaluate(() => getComputedStyle(document.body).fontFamily)).toContain("system-ui");
    await page.goto(`${base}/account/login?token=an-unknown-token-an-unknown-token`);

    const staff = await createStaff(h, "csp", "doctor", ["gp"]);
    await loginConsole(context as BrowserContext, base, staff);
    expect(violations).toEqual([]);
  });
});
