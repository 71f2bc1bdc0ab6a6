import { randomInt } from "node:crypto";
import type { Redis } from "ioredis";
import { redisKeys } from "../redis-keys";

export interface LinkCodeSettings {
  ttlSeconds: number;
  /** Wrong codes an account may type per window before it must wait (a 6-digit code must not be guessable). */
  maxAttempts: number;
  attemptWindowSeconds: number;
}

export type Redeemed = { kind: "ok"; patientId: string } | { kind: "bad_code" } | { kind: "too_many_attempts" };

/** One-time codes in Redis: a code names the Patient that asked for it, lives minutes, and works once. */
export class LinkCodes {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly settings: LinkCodeSettings,
  ) {}

  get attemptWindowMinutes(): number {
    return Math.ceil(this.settings.attemptWindowSeconds / 60);
  }

  private codeKey = (code: string) => redisKeys(this.prefix).linkCode(code);
  private patientKey = (patientId: string) => redisKeys(this.prefix).linkCodeOfPatient(patientId);
  private attemptsKey = (accountId: string) => redisKeys(this.prefix).linkAttempts(accountId);

  /** A new code for the patient; the previous one stops working. */
  async issue(patientId: string): Promise<string> {
    const ttlMs = this.settings.ttlSeconds * 1000;
    for (;;) {
      const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
      if ((await this.redis.set(this.codeKey(code), patientId, "PX", ttlMs, "NX")) !== "OK") continue;
      const previous = await this.redis.getset(this.patientKey(patientId), code);
      await this.redis.pexpire(this.patientKey(patientId), ttlMs);
      if (previous && previous !== code) await this.redis.del(this.codeKey(previous));
      return code;
    }
  }

  async redeem(accountId: string, code: string): Promise<Redeemed> {
    const attemptsKey = this.attemptsKey(accountId);
    const attempts = await this.redis.incr(attemptsKey);
    if (attempts === 1) await this.redis.expire(attemptsKey, this.settings.attemptWindowSeconds);
    if (attempts > this.settings.maxAttempts) return { kind: "too_many_attempts" };
    const patientId = /^\d{6}$/.test(code) ? await this.redis.getdel(this.codeKey(code)) : null;
    if (!patientId) return { kind: "bad_code" };
    await this.redis.del(attemptsKey, this.patientKey(patientId));
    return { kind: "ok", patientId };
  }

  /** Puts a redeemed code back when the link could not be made (nothing changed, the patient may try again). */
  async restore(code: string, patientId: string): Promise<void> {
    await this.redis.set(this.codeKey(code), patientId, "EX", this.settings.ttlSeconds, "NX");
  }
}
