import { randomUUID } from "node:crypto";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebTokens } from "../core/channels/web-tokens";
import { closeBrowserHarness, startBrowserHarness } from "./helpers/browser";
import type { Harness } from "./helpers/harness";

let h: Harness;
let browser: Browser;
let base = "";
let tokens: WebTokens;
const TOKEN_KEY = "telecons.widget.token";
const eightDaysAgo = () => Date.now() - 8 * 86_400_000;

beforeAll(async () => {
  ({ h, base, browser } = await startBrowserHarness());
  // The service's own signing key: lets the test make a token as it was issued eight days ago.
  tokens = new WebTokens(h.services.config.WIDGET_SECRET, { fileLinkTtlSeconds: 300, visitorTtlSeconds: h.services.config.WIDGET_TOKEN_TTL_SECONDS });
}, 60_000);

afterAll(async () => {
  await closeBrowserHarness(h, browser);
});

const post = (url: string, token: string, payload?: object) =>
  h.app.inject({ method: "POST", url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });

describe("web chat visitor tokens", () => {
  it("expire (401 token_expired), renew for the same visitor, and never open the stream from a url", async () => {
    const { token, visitorId } = tokens.newVisitor();
    const renewed = (await post("/widget/api/session/renew", token)).json() as { token: string; expiresAt: number };
    expect(tokens.visitorOf(renewed.token)).toBe(visitorId);
    expect(renewed.expiresAt).toBeGreaterThan(Date.now() / 1000 + h.services.config.WIDGET_TOKEN_TTL_SECONDS - 60);

    const old = tokens.renew(visitorId, eightDaysAgo()).token;
    const message = { id: randomUUID(), text: "hello" };
    for (const url of ["/widget/api/messages", "/widget/api/session/renew", "/widget/api/events/ticket"]) {
      const response = await post(url, old, url.endsWith("messages") ? message : undefined);
      expect(response.statusCode, url).toBe(401);
      expect(response.json(), url).toMatchObject({ code: "token_expired" });
    }
    // The stream takes a one-minute ticket only; the visitor token in a url is refused.
    expect((await h.app.inject({ method: "GET", url: `/widget/api/events?token=${encodeURIComponent(renewed.token)}` })).statusCode).toBe(400);
    expect((await h.app.inject({ method: "GET", url: `/widget/api/events?ticket=${encodeURIComponent(renewed.token)}` })).statusCode).toBe(401);
  });

  it("a returning visitor keeps the conversation with a renewed token; after the lifetime a new one starts, said plainly", async () => {
    const context = await browser.newContext({ locale: "en-US" });
    const page = await context.newPage();
    await page.goto(`${base}/widget`);
    await page.locator(".msg.in", { hasText: "Hello! This is Telecons" }).waitFor();
    const first = await page.evaluate((key) => localStorage.getItem(key), TOKEN_KEY);
    const visitorId = tokens.visitorOf(first!)!;
    expect(visitorId).toBeDefined();

    // Back within the lifetime: the same conversation, and the page holds a fresh token for the same visitor
    // (a token names its expiry in whole seconds, so the renewal is a different token only a second later).
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await page.reload();
    await page.locator(".msg.in", { hasText: "Hello! This is Telecons" }).waitFor();
    await expect.poll(() => page.evaluate((key) => localStorage.getItem(key), TOKEN_KEY)).not.toBe(first);
    expect(tokens.visitorOf((await page.evaluate((key) => localStorage.getItem(key), TOKEN_KEY))!)).toBe(visitorId);

    // Back after the lifetime: the old conversation is not shown, the patient is told, a new visitor starts.
    await page.evaluate(([key, value]) => localStorage.setItem(key!, value!), [TOKEN_KEY, tokens.renew(visitorId, eightDaysAgo()).token]);
    await page.reload();
    await page.locator(".msg.error", { hasText: "You were away for a long time" }).waitFor();
    await page.locator(".msg.in", { hasText: "Hello! This is Telecons" }).waitFor();
    expect(await page.locator(".msg.in", { hasText: "Hello! This is Telecons" }).count()).toBe(1);
    const next = tokens.visitorOf((await page.evaluate((key) => localStorage.getItem(key), TOKEN_KEY))!);
    expect(next).toBeDefined();
    expect(next).not.toBe(visitorId);
    await context.close();
  });
});
