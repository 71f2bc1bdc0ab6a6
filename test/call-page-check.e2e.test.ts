/// <reference lib="dom" />
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdirSync } from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./helpers/browser";
import { startHarness, type Harness } from "./helpers/harness";

/**
 * The call page's device check tells camera, microphone, our site and the clinic's video server apart (issue 16
 * point 6): with the video server down it says so in plain words instead of blaming the patient's internet.
 * A plain HTTP server stands in for the video server's address; closing it makes the server unreachable.
 */
const shots = "test-output/call";
mkdirSync(shots, { recursive: true });

let h: Harness;
let browser: Browser;
let base: string;
let videoServer: Server;

beforeAll(async () => {
  videoServer = createServer((_request, response) => response.end("OK"));
  await new Promise<void>((resolve) => videoServer.listen(0, "127.0.0.1", resolve));
  const port = (videoServer.address() as AddressInfo).port;
  h = await startHarness({ LIVEKIT_URL: `ws://127.0.0.1:${port}` });
  base = await h.app.listen({ port: 0, host: "127.0.0.1" });
  browser = await launchChromium(["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]);
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
  videoServer.closeAllConnections();
  videoServer.close();
});

describe("the call page's device check", () => {
  it("checks camera, microphone, our site and the video server separately, and names the video server when it is down", async () => {
    const context = await browser.newContext({ locale: "ru-RU", permissions: ["camera", "microphone"], viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${base}/call/a-link-token-for-the-check-0123456789`);
    await page.waitForSelector('body[data-state="ready"]');
    const results = () =>
      page.evaluate(() => Object.fromEntries([...document.querySelectorAll("#checks li")].map((li) => [li.id, (li as HTMLElement).dataset.result])));
    expect(await results()).toEqual({ "check-camera": "ok", "check-microphone": "ok", "check-connection": "ok", "check-video-server": "ok" });
    expect(await page.locator("#explain li").count()).toBe(0);
    expect(await page.locator("#join").isDisabled()).toBe(false);

    // The video server goes down; the patient's internet is fine.
    videoServer.closeAllConnections();
    await new Promise<void>((resolve) => videoServer.close(() => resolve()));
    await page.reload();
    await page.waitForSelector('body[data-state="ready"]');
    expect(await results()).toEqual({ "check-camera": "ok", "check-microphone": "ok", "check-connection": "ok", "check-video-server": "failed" });
    expect(await page.locator("#check-video-server").textContent()).toBe("Видеосервер: не работает");
    const explained = await page.locator("#explain li").allTextContents();
    expect(explained).toEqual([expect.stringContaining("Видеосервер клиники сейчас не отвечает — дело не в вашем интернете")]);
    expect(await page.locator("#join").isDisabled()).toBe(true);
    expect(await page.locator("#retry").isVisible()).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${shots}/check-video-server-down-390.png`, fullPage: true });
    await page.setViewportSize({ width: 1440, height: 900 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${shots}/check-video-server-down-1440.png` });
    await context.close();
  }, 60_000);
});
