import { createHmac, randomInt, timingSafeEqual } from "node:crypto";
import { appendFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { z } from "zod";
import { redisKeys } from "../redis-keys";

/** Sends a text message to a phone number: the port an SMS gateway of the clinic's choice implements. */
export interface SmsProvider {
  /** Throws `SmsNotSent` when the gateway refused the message (wrong number, no balance, …). */
  send(phone: string, text: string): Promise<void>;
}

/** The gateway did not take the message. `reason` is the gateway's code and words, never the text (it holds the code). */
export class SmsNotSent extends Error {
  constructor(readonly reason: string) {
    super(`SMS not sent: ${reason}`);
  }
}

/**
 * Development provider (`SMS_PROVIDER=log`, refused in production): nothing is sent and the code never reaches the
 * log, which is shipped and kept; the text is appended to a file on the developer's machine instead (and kept in
 * memory for in-process tests). The log only says that a code went to a number ending in two digits.
 */
export class DevelopmentSmsProvider implements SmsProvider {
  readonly sent: Array<{ phone: string; text: string }> = [];
  constructor(
    private readonly logger: Pick<Logger, "warn">,
    private readonly file: string,
  ) {}

  async send(phone: string, text: string): Promise<void> {
    this.sent.push({ phone, text });
    if (this.sent.length > 100) this.sent.shift();
    await mkdir(dirname(this.file), { recursive: true });
    await appendFile(this.file, `${new Date().toISOString()} ${phone} ${text.replace(/\n/g, " ")}\n`, { mode: 0o600 });
    this.logger.warn({ phoneTail: phone.slice(-2), file: this.file }, "SMS not sent (development provider): the text is in the file");
  }
}

/**
 * A generic HTTP SMS gateway (`SMS_PROVIDER=http`): `POST SMS_HTTP_URL` with `{"to": "+7…", "text": "…"}` and
 * `Authorization: Bearer SMS_HTTP_TOKEN`; any 2xx is accepted. Most gateways take this shape directly or through a
 * small relay of the clinic's.
 */
export class HttpSmsProvider implements SmsProvider {
  constructor(private readonly settings: { url: string; token: string; timeoutMs?: number }) {}

  async send(phone: string, text: string): Promise<void> {
    const response = await fetch(this.settings.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${this.settings.token}` },
      body: JSON.stringify({ to: phone, text }),
      signal: AbortSignal.timeout(this.settings.timeoutMs ?? 10_000),
    });
    await response.body?.cancel();
    // The error names the status only: the text holds the code.
    if (!response.ok) throw new SmsNotSent(`gateway answered ${response.status}`);
  }
}

const smsRuAnswer = z.object({
  status: z.string(),
  status_code: z.number(),
  status_text: z.string().optional(),
  sms: z.record(z.string(), z.object({ status: z.string(), status_code: z.number(), status_text: z.string().optional() })).optional(),
});

/**
 * SMS.ru (`SMS_PROVIDER=smsru`), a gateway many Russian clinics use: `POST <root>/sms/send` with `api_id`, `to`
 * (digits), `msg` and `json=1`. The answer says OK or ERROR for the request and again for each number (status_code
 * 100 is accepted; e.g. 200 a wrong api_id, 201 no balance, 207 a number that cannot receive messages).
 */
export class SmsRuProvider implements SmsProvider {
  constructor(private readonly settings: { apiRoot: string; apiId: string; from?: string; timeoutMs?: number }) {}

  async send(phone: string, text: string): Promise<void> {
    const to = phone.replace(/\D/g, "");
    const form = new URLSearchParams({ api_id: this.settings.apiId, to, msg: text, json: "1", ...(this.settings.from ? { from: this.settings.from } : {}) });
    const response = await fetch(`${this.settings.apiRoot.replace(/\/$/, "")}/sms/send`, {
      method: "POST",
      body: form,
      signal: AbortSignal.timeout(this.settings.timeoutMs ?? 10_000),
    });
    if (!response.ok) throw new SmsNotSent(`SMS.ru answered HTTP ${response.status}`);
    const answer = smsRuAnswer.safeParse(await response.json().catch(() => undefined));
    if (!answer.success) throw new SmsNotSent("SMS.ru answered something unreadable");
    const forNumber = answer.data.sms?.[to];
    const refused = answer.data.status !== "OK" ? answer.data : forNumber?.status !== "OK" ? forNumber : undefined;
    if (refused) throw new SmsNotSent(`SMS.ru ${refused.status_code}${refused.status_text ? ` ${refused.status_text}` : ""}`);
    if (!forNumber) throw new SmsNotSent("SMS.ru did not answer for the number");
  }
}

export type CodeCheck = { ok: true; phone: string } | { ok: false; reason: "wrong" | "expired" | "locked" };

/**
 * One-time phone codes: 6 digits, only an HMAC of the code in Redis, expiring, and gone after too many wrong tries
 * (a million codes and five tries give a guesser 1 in 200 000).
 */
export class SmsCodes {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly settings: { ttlSeconds: number; maxAttempts: number },
  ) {}

  private key = (patientId: string) => redisKeys(this.prefix).smsCode(patientId);
  private hash = (patientId: string, code: string) => createHmac("sha256", patientId).update(code).digest("hex");

  /** A new code for the number (replacing any earlier one), or undefined within a minute of the last: each SMS costs money. */
  async issue(patientId: string, phone: string): Promise<string | undefined> {
    const fresh = await this.redis.set(`${this.key(patientId)}:throttle`, "1", "EX", 60, "NX");
    if (fresh !== "OK") return undefined;
    const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
    const key = this.key(patientId);
    await this.redis.multi().del(key).hset(key, { hash: this.hash(patientId, code), phone, attempts: 0 }).expire(key, this.settings.ttlSeconds).exec();
    return code;
  }

  /** The SMS with the code did not go out: the code is void and the patient may ask again at once. */
  async void(patientId: string): Promise<void> {
    await this.redis.del(this.key(patientId), `${this.key(patientId)}:throttle`);
  }

  async pending(patientId: string): Promise<boolean> {
    return (await this.redis.exists(this.key(patientId))) === 1;
  }

  async check(patientId: string, code: string): Promise<CodeCheck> {
    const key = this.key(patientId);
    const stored = await this.redis.hgetall(key);
    if (!stored.hash || !stored.phone) return { ok: false, reason: "expired" };
    const attempts = await this.redis.hincrby(key, "attempts", 1);
    if (attempts > this.settings.maxAttempts) {
      await this.redis.del(key);
      return { ok: false, reason: "locked" };
    }
    const given = Buffer.from(this.hash(patientId, code));
    if (!timingSafeEqual(given, Buffer.from(stored.hash))) {
      if (attempts >= this.settings.maxAttempts) await this.redis.del(key);
      return { ok: false, reason: attempts >= this.settings.maxAttempts ? "locked" : "wrong" };
    }
    await this.redis.del(key);
    return { ok: true, phone: stored.phone };
  }
}
