import { createHmac, randomInt, timingSafeEqual } from "node:crypto";
import { appendFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import type { Redis } from "ioredis";
import type { Logger } from "pino";

/** Sends a text message to a phone number: the port an SMS gateway of the clinic's choice implements. */
export interface SmsProvider {
  send(phone: string, text: string): Promise<void>;
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
    if (!response.ok) throw new Error(`SMS gateway answered ${response.status}`);
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

  private key = (patientId: string) => `${this.prefix}:sms-code:${patientId}`;
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
