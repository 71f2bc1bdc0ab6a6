import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { totpCode } from "../core/staff/totp";
import { staffPassword } from "./helpers/browser";
import { startHarness, WEBHOOK_SECRET, type Harness } from "./helpers/harness";
import { telegramUpdates } from "./helpers/telegram-stand-in";

/**
 * The whole service as `npm start` runs it (bin/all.ts: api and workers, the real logger at debug level, its
 * stdout and stderr captured), driven through every kind of secret it hands out. Afterwards not one of them may
 * appear in what it logged. The test process shares its database, Redis prefix and messenger stand-ins, and
 * uses its own services only to set things up (a doctor on duty, an exam link).
 */
let h: Harness;
let child: ChildProcess;
let output = "";
let base = "";
const smsFile = join(mkdtempSync(join(tmpdir(), "telecons-sms-")), "outbox.txt");

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

beforeAll(async () => {
  h = await startHarness({}, { workers: false });
  const port = await freePort();
  const config = h.services.config;
  child = spawn(process.execPath, ["--import", "tsx", "bin/all.ts"], {
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: config.DATABASE_URL,
      REDIS_PREFIX: config.REDIS_PREFIX,
      LOG_LEVEL: "debug",
      PORT: String(port),
      HOST: "127.0.0.1",
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      TELEGRAM_BOT_TOKEN: config.TELEGRAM_BOT_TOKEN,
      TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
      TELEGRAM_API_ROOT: config.TELEGRAM_API_ROOT,
      OUTBOX_RATE_LIMITS: "telegram:200:20,vk:200:0,web:1000:0",
      SMS_DEV_FILE: smsFile,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 45_000;
  while ((await fetch(`${base}/healthz`).then((r) => r.status, () => 0)) !== 200) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the service did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}, 60_000);

afterAll(async () => {
  if (child && child.exitCode === null) child.kill("SIGTERM");
  await h?.close();
});

/** Every secret the run issued or used, to look for in the log afterwards. */
const secrets = new Map<string, string>();
const keep = (name: string, value: string | undefined | null) => {
  expect(value, name).toBeTruthy();
  secrets.set(name, value!);
  return value!;
};

const patient = { id: Math.floor(Math.random() * 2 ** 40) + 10_000_000, languageCode: "en" };
let updateId = Math.floor(Math.random() * 2 ** 31);
const say = async (text: string) => {
  const response = await fetch(`${base}/webhooks/telegram`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": WEBHOOK_SECRET },
    body: JSON.stringify(telegramUpdates.text(++updateId, patient, text)),
  });
  expect(response.status).toBe(200);
};
const press = async (data: string) => {
  const response = await fetch(`${base}/webhooks/telegram`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": WEBHOOK_SECRET },
    body: JSON.stringify(telegramUpdates.button(++updateId, patient, data)),
  });
  expect(response.status).toBe(200);
};
/** The bot's next message to the patient matching `pattern`, and the pattern's first group. */
const botSays = async (pattern: RegExp) => {
  await h.telegram.waitFor(() => h.telegram.sent(patient.id).some((c) => pattern.test(String(c.params.text))), 20_000);
  return pattern.exec(h.telegram.sent(patient.id).map((c) => String(c.params.text)).find((t) => pattern.test(t))!)![1]!;
};

describe("a full run's logs", () => {
  it("hold none of the tokens, codes and cookies the run issued", async () => {
    // A Telegram patient with consents.
    await say("/start");
    await press("consent:personal_data:yes");
    await press("consent:remote_care:yes");
    await h.telegram.waitFor(() => h.telegram.sent(patient.id).length >= 3, 20_000);
    const account = await h.db.messengerAccount.findUniqueOrThrow({
      where: { channel_externalUserId: { channel: "telegram", externalUserId: String(patient.id) } },
    });

    // The account: its one-time login link, then the session cookie it sets.
    await say("/account");
    const loginToken = keep("account login token", await botSays(/\/account\/login\?token=([A-Za-z0-9_-]+)/));
    const login = await fetch(`${base}/account/login?token=${loginToken}`, { redirect: "manual" });
    expect(login.status).toBe(303);
    const accountCookie = keep("account session", /tc_account=([^;]+)/.exec(login.headers.get("set-cookie") ?? "")?.[1]);
    expect((await fetch(`${base}/account`, { headers: { cookie: `tc_account=${accountCookie}` } })).status).toBe(200);

    // A phone code by SMS (the development provider's file), typed back into the bot.
    await say("/phone");
    await h.telegram.waitFor(() => h.telegram.sent(patient.id).length >= 5, 20_000);
    await say("+79991234567");
    await expect.poll(() => existsSync(smsFile) && /(\d{6})/.test(readFileSync(smsFile, "utf8")), { timeout: 20_000 }).toBe(true);
    const smsCode = keep("SMS code", /(\d{6})/.exec(readFileSync(smsFile, "utf8"))![1]);
    await say(smsCode);

    // A device ingestion token from /device, used as a device would.
    await say("/device");
    const deviceToken = keep("device token", await botSays(/(tcr_[A-Za-z0-9_-]+)/));
    const readings = await fetch(`${base}/api/v1/readings`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${deviceToken}` },
      body: JSON.stringify({ readings: [{ kind: "heart_rate", value: 72, at: new Date().toISOString() }] }),
    });
    expect([200, 400]).toContain(readings.status);

    // A video call link, opened and joined (the answer carries a LiveKit token).
    const specialty = `s${randomUUID().slice(0, 8)}`;
    const { doctor } = await h.services.doctors.create({ name: "Anna Petrova", specialties: [specialty], languages: ["en"] });
    await h.db.dutyShift.create({ data: { doctorId: doctor.id, specialty, startsAt: new Date(Date.now() - 3600_000), endsAt: new Date(Date.now() + 3600_000) } });
    const outcome = await h.services.video.requestVideo({ patientId: account.patientId, accountId: account.id, specialty });
    await h.services.video.accept({ id: doctor.id, name: doctor.name, specialties: [specialty], languages: ["en"] }, (outcome as { visitId: string }).visitId);
    const callToken = keep("call link token", await botSays(/\/call\/([A-Za-z0-9_-]+)/));
    expect((await fetch(`${base}/call/${callToken}`)).status).toBe(200);
    expect((await fetch(`${base}/call/${callToken}/ping`)).status).toBe(204);
    const join = await fetch(`${base}/call/${callToken}/join`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ device: "device-0123456789" }),
    });
    expect(join.status).toBe(200);
    keep("LiveKit token", ((await join.json()) as { token: string }).token);

    // A body-map link (as VK and the web chat get it), opened.
    const button = await h.services.exams.button(
      { accountId: account.id, patientId: account.patientId, channel: "web", chatId: String(patient.id), language: "en" },
      randomUUID(),
      "open",
    );
    const examToken = keep("exam link token", /\/exam\/link\/([^/?]+)/.exec("url" in button ? button.url : "")?.[1]);
    expect((await fetch(`${base}/exam/link/${examToken}`)).status).toBe(200);

    // A staff login: password, TOTP code, then the session cookie.
    const email = `logs-${Date.now()}@clinic.test`;
    const created = await h.services.staff.create({ email, name: "Log Reader", role: "doctor", password: staffPassword, specialties: ["gp"], languages: ["en"] });
    keep("staff password", staffPassword);
    const code = keep("TOTP code", totpCode(created.totpSecret));
    const staffLogin = await fetch(`${base}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password: staffPassword, code }),
    });
    expect(staffLogin.status).toBe(200);
    const staffCookie = keep("staff session", /=([^;]+)/.exec(staffLogin.headers.get("set-cookie") ?? "")?.[1]);
    expect((await fetch(`${base}/api/v1/consultations`, { headers: { cookie: staffLogin.headers.get("set-cookie")!.split(";")[0]! } })).status).toBe(200);
    expect(staffCookie.length).toBeGreaterThan(10);

    // The web chat: a visitor token, its renewal, a ticket, the reply stream and a message.
    const visitor = keep("widget token", ((await (await fetch(`${base}/widget/api/session`, { method: "POST" })).json()) as { token: string }).token);
    const auth = { authorization: `Bearer ${visitor}` };
    const renewed = keep("renewed widget token", ((await (await fetch(`${base}/widget/api/session/renew`, { method: "POST", headers: auth })).json()) as { token: string }).token);
    const ticket = keep("events ticket", ((await (await fetch(`${base}/widget/api/events/ticket`, { method: "POST", headers: { authorization: `Bearer ${renewed}` } })).json()) as { ticket: string }).ticket);
    const stream = new AbortController();
    const events = await fetch(`${base}/widget/api/events?ticket=${encodeURIComponent(ticket)}&after=0`, { signal: stream.signal });
    expect(events.status).toBe(200);
    const sent = await fetch(`${base}/widget/api/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${renewed}` },
      body: JSON.stringify({ id: randomUUID(), language: "en", text: "/start" }),
    });
    expect(sent.status).toBe(204);
    const reader = events.body!.getReader();
    let streamed = "";
    while (!streamed.includes("event: message")) streamed += new TextDecoder().decode((await reader.read()).value);
    stream.abort();

    // Stop the service so every log line is flushed.
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;

    // Not one secret is in the log. Codes are digits: matched as a whole number, not inside a timestamp.
    expect(secrets.size).toBe(13);
    for (const [name, value] of secrets) {
      const found = /^\d+$/.test(value) ? new RegExp(`(?<![\\d.])${value}(?![\\d.])`).test(output) : output.includes(value);
      expect(found, `${name} appears in the log`).toBe(false);
    }
    // And yet the requests were logged, with fingerprints in place of the secrets.
    expect(output).toContain("incoming request");
    expect(output).toMatch(/"url":"\/call\/~[0-9a-f]{8}\/join"/);
    expect(output).toMatch(/"url":"\/account\/login\?token=~[0-9a-f]{8}"/);
    expect(output).toMatch(/"url":"\/widget\/api\/events\?ticket=~[0-9a-f]{8}&after=0"/);
  }, 120_000);
});
