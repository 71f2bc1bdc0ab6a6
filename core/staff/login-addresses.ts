import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { redisKeys } from "../redis-keys";

/** How long an address the owner signed in from stays theirs for the lockout rule (see StaffService.login). */
const KNOWN_ADDRESS_MS = 30 * 24 * 60 * 60_000;

/** Addresses are stored hashed: Redis is not the place for a log of staff IP addresses. */
const hashed = (ip: string) => createHash("sha256").update(ip).digest("hex").slice(0, 32);

/**
 * Per account and network address: where the account last signed in successfully ("known"), and how many
 * attempts an address has made at the account since (counted before the password is checked).
 */
export class LoginAddresses {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async isKnown(staffId: string, ip: string): Promise<boolean> {
    return (await this.redis.exists(this.key("known", staffId, ip))) === 1;
  }

  /** Takes one attempt slot for this address; false when the address has used all `max` for `windowMs`. */
  async reserve(staffId: string, ip: string, max: number, windowMs: number): Promise<boolean> {
    const key = this.key("attempts", staffId, ip);
    // INCR and a window that starts at the first attempt, in one round trip so no attempt escapes the count.
    const [[, count]] = (await this.redis.multi().incr(key).pexpire(key, windowMs, "NX").exec()) as [[null, number]];
    return count <= max;
  }

  async succeeded(staffId: string, ip: string): Promise<void> {
    await this.redis
      .multi()
      .del(this.key("attempts", staffId, ip))
      .set(this.key("known", staffId, ip), "1", "PX", KNOWN_ADDRESS_MS)
      .exec();
  }

  /** An admin's unlock clears every address's count (known addresses stay known). */
  async clearAttempts(staffId: string): Promise<void> {
    const stream = this.redis.scanStream({ match: redisKeys(this.prefix).staffLoginAttemptsPattern(staffId), count: 100 });
    for await (const keys of stream as AsyncIterable<string[]>) if (keys.length) await this.redis.del(...keys);
  }

  private key(kind: "known" | "attempts", staffId: string, ip: string) {
    return redisKeys(this.prefix).staffLogin(kind, staffId, hashed(ip));
  }
}
