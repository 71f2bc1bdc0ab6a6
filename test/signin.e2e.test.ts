import { randomUUID } from "node:crypto";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { totpCode } from "../core/staff/totp";
import { launchChromium } from "./helpers/browser";
import { startHarness, type Harness } from "./helpers/harness";
import { freshTotpCode } from "./helpers/totp";

const password = "a long enough password";
const denied = { code: "unauthorized", message: "wrong email, password or code" };
const LOGINS_PER_MINUTE = 8;
const SESSIONS_PER_MINUTE = 3;
const MESSAGES_PER_MINUTE = 4;

let h: Harness;
let base: string;
beforeAll(async () => {
  h = await startHarness(
    {
      // As behind the clinic's reverse proxy: the client's address comes from X-Forwarded-For.
      TRUST_PROXY: "true",
      RATE_LIMIT_LOGIN_PER_MINUTE: String(LOGINS_PER_MINUTE),
      RATE_LIMIT_WIDGET_SESSIONS_PER_MINUTE: String(SESSIONS_PER_MINUTE),
      RATE_LIMIT_WIDGET_MESSAGES_PER_MINUTE: String(MESSAGES_PER_MINUTE),
      STAFF_MAX_FAILED_LOGINS: "5",
    },
    { workers: false },
  );
  base = await h.app.listen({ port: 0, host: "127.0.0.1" });
});
afterAll(async () => {
  await h?.close();
});

let nextAddress = 1;
/** A client address no other request in this file uses (TEST-NET-2, then TEST-NET-3). */
const newAddress = () => {
  const n = nextAddress++;
  return n < 250 ? `198.51.100.${n}` : `203.0.113.${n - 249}`;
};

async function account(role: "operator" | "admin" = "operator") {
  const email = `signin-${randomUUID()}@clinic.test`;
  const created = await h.services.staff.create({ email, name: "Sign In", role, password });
  return { email, id: created.staff.id, secret: created.totpSecret };
}
const login = (from: string, body: { email: string; password: string; code: string }) =>
  h.app.inject({ method: "POST", url: "/api/v1/auth/login", headers: { "x-forwarded-for": from }, payload: body });
const evaluated = (id: string) => h.db.auditEvent.count({ where: { action: "staff.login_failed", entityId: id } });
/** The lower quartile: other test files share the two cores, and their bursts only ever add time, so the faster
 * answers show a path's own cost best. */
const lowerQuartile = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 4)]!;

describe("sign-in", () => {
  it("evaluates at most STAFF_MAX_FAILED_LOGINS of 40 wrong passwords sent at once from 40 addresses; the counter stays exact", async () => {
    const victim = await account();
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) => login(newAddress(), { email: victim.email, password: `guess ${i}`, code: totpCode(victim.secret) })),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(Array(40).fill(401));
    expect(responses.every((r) => r.json().code === "unauthorized")).toBe(true);
    expect(await evaluated(victim.id)).toBe(5);
    const row = await h.db.staffMember.findUniqueOrThrow({ where: { id: victim.id } });
    expect(row.failedAttempts).toBe(5);
    expect(row.lockedUntil!.getTime()).toBeGreaterThan(Date.now());
  });

  it("answers 40 wrong passwords at once from one address with 429 beyond the per-address limit", async () => {
    const victim = await account();
    const from = newAddress();
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) => login(from, { email: victim.email, password: `guess ${i}`, code: "123456" })),
    );
    const limited = responses.filter((r) => r.statusCode === 429);
    expect(limited).toHaveLength(40 - LOGINS_PER_MINUTE);
    expect(limited[0]!.json()).toMatchObject({ code: "rate_limited", message: expect.stringMatching(/too many requests/) });
    expect(limited[0]!.headers["retry-after"]).toBeDefined();
    expect(responses.filter((r) => r.statusCode === 401)).toHaveLength(LOGINS_PER_MINUTE);
    expect(await evaluated(victim.id)).toBe(5);
  });

  it("refuses a replayed TOTP code, even right after a correct login with it", async () => {
    const member = await account();
    const from = newAddress();
    const code = await freshTotpCode(member.secret);
    expect((await login(from, { email: member.email, password, code })).statusCode).toBe(200);
    const replay = await login(from, { email: member.email, password, code });
    expect(replay.statusCode).toBe(401);
    expect(replay.json()).toEqual(denied);
  });

  it("answers unknown, locked, wrong password and wrong code alike, in about the same time", async () => {
    const locked = await account();
    for (let i = 0; i < 5; i++) await login(newAddress(), { email: locked.email, password: "guess", code: "123456" });
    const kinds = {
      unknown: async () => ({ email: `nobody-${randomUUID()}@clinic.test`, password, code: "123456" }),
      locked: async () => ({ email: locked.email, password, code: totpCode(locked.secret) }),
      wrongPassword: async () => {
        const m = await account();
        return { email: m.email, password: "not the password", code: totpCode(m.secret) };
      },
      wrongCode: async () => ({ email: (await account()).email, password, code: "000000" }),
    };
    const times: Record<string, number[]> = { unknown: [], locked: [], wrongPassword: [], wrongCode: [] };
    const bodies = new Set<string>();
    for (let round = 0; round < 20; round++) {
      for (const [kind, body] of Object.entries(kinds)) {
        const payload = await body();
        const started = performance.now();
        const response = await login(newAddress(), payload);
        times[kind]!.push(performance.now() - started);
        expect(response.statusCode).toBe(401);
        bodies.add(response.body);
      }
    }
    expect([...bodies]).toEqual([JSON.stringify(denied)]);
    const reference = lowerQuartile(times.wrongPassword!);
    for (const kind of ["unknown", "locked", "wrongCode"]) {
      const ratio = lowerQuartile(times[kind]!) / reference;
      expect(ratio, `${kind}: ${lowerQuartile(times[kind]!).toFixed(1)} ms against ${reference.toFixed(1)} ms`).toBeGreaterThan(0.5);
      expect(ratio, kind).toBeLessThan(2);
    }
  });

  it("lets the owner sign in from their own address while an attacker's address is limited and the account locked for others", async () => {
    const owner = await account();
    const office = newAddress();
    const attacker = newAddress();
    expect((await login(office, { email: owner.email, password, code: await freshTotpCode(owner.secret) })).statusCode).toBe(200);
    const attempts = [];
    for (let i = 0; i < LOGINS_PER_MINUTE + 2; i++) {
      attempts.push((await login(attacker, { email: owner.email, password: `guess ${i}`, code: "123456" })).statusCode);
    }
    expect(attempts).toEqual([...Array(LOGINS_PER_MINUTE).fill(401), 429, 429]);
    // Even the right password and code get nowhere from a third address: the account is locked for it.
    // (A refused attempt does not use up its code's step, so this code need not be a fresh one.)
    const elsewhere = await login(newAddress(), { email: owner.email, password, code: totpCode(owner.secret) });
    expect(elsewhere.statusCode).toBe(401);
    const fromOffice = await login(office, { email: owner.email, password, code: await freshTotpCode(owner.secret) });
    expect(fromOffice.statusCode).toBe(200);
  });

  it("unlocks an account only when the admin types a current code of their own", async () => {
    const admin = await account("admin");
    const locked = await account();
    for (let i = 0; i < 5; i++) await login(newAddress(), { email: locked.email, password: "guess", code: "123456" });
    const session = await login(newAddress(), { email: admin.email, password, code: await freshTotpCode(admin.secret) });
    const cookie = String(session.headers["set-cookie"]).split(";")[0]!;
    const unlock = (payload?: object) =>
      h.app.inject({
        method: "POST",
        url: `/api/v1/staff/${locked.id}/unlock`,
        headers: { cookie, "x-requested-with": "telecons-console" },
        payload,
      });
    expect((await unlock()).statusCode).toBe(400);
    expect((await unlock({ code: "000000" })).statusCode).toBe(403);
    expect((await unlock({ code: await freshTotpCode(locked.secret) })).statusCode).toBe(403);
    const code = await freshTotpCode(admin.secret);
    expect((await unlock({ code })).statusCode).toBe(204);
    expect(await h.db.staffMember.findUniqueOrThrow({ where: { id: locked.id } })).toMatchObject({ failedAttempts: 0, lockedUntil: null });
    expect((await unlock({ code })).statusCode).toBe(403);
    expect(await h.db.auditEvent.count({ where: { action: "staff.unlock", entityId: locked.id } })).toBe(1);
    expect((await login(newAddress(), { email: locked.email, password, code: await freshTotpCode(locked.secret) })).statusCode).toBe(200);
  });
});

describe("widget rate limits", () => {
  it(`creates ${SESSIONS_PER_MINUTE} sessions a minute per address, then answers 429 rate_limited`, async () => {
    const from = newAddress();
    const create = (address: string) => h.app.inject({ method: "POST", url: "/widget/api/session", headers: { "x-forwarded-for": address } });
    for (let i = 0; i < SESSIONS_PER_MINUTE; i++) expect((await create(from)).statusCode).toBe(200);
    const refused = await create(from);
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ code: "rate_limited", message: expect.any(String) });
    expect((await create(newAddress())).statusCode).toBe(200);
  });

  it(`takes ${MESSAGES_PER_MINUTE} messages a minute per visitor, then answers 429 rate_limited`, async () => {
    const session = await h.app.inject({ method: "POST", url: "/widget/api/session", headers: { "x-forwarded-for": newAddress() } });
    const token = session.json().token as string;
    const send = (text: string) =>
      h.app.inject({
        method: "POST",
        url: "/widget/api/messages",
        headers: { authorization: `Bearer ${token}`, "x-forwarded-for": newAddress() },
        payload: { id: randomUUID(), language: "en", text },
      });
    for (let i = 0; i < MESSAGES_PER_MINUTE; i++) expect((await send(i === 0 ? "/start" : `hello ${i}`)).statusCode).toBe(204);
    const refused = await send("one too many");
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ code: "rate_limited", message: expect.any(String) });
  });

  it("tells the visitor in their language when the page is refused a session", async () => {
    // The browser talks from 127.0.0.1 without X-Forwarded-For: use up that address's sessions first.
    for (let i = 0; i < SESSIONS_PER_MINUTE; i++) await h.app.inject({ method: "POST", url: "/widget/api/session" });
    let browser: Browser | undefined;
    try {
      browser = await launchChromium();
      const page = await browser.newPage();
      await page.goto(`${base}/widget?lang=uz`);
      await page.locator("#status", { hasText: "Bir daqiqa kuting" }).waitFor();
    } finally {
      await browser?.close();
    }
  });
});
