import { setTimeout as sleep } from "node:timers/promises";
import { totpCode, totpStep } from "../../core/staff/totp";

const lastUsed = new Map<string, number>();

/**
 * A code the api has not seen yet for this secret. Each TOTP step signs in once, and a test may log one account
 * in several times within 30 s: this takes the current step, else the next (the api allows one step of drift),
 * else waits for the next step. Every code a test process types for a secret must come from here.
 */
export async function freshTotpCode(secret: string): Promise<string> {
  for (;;) {
    const now = Date.now();
    const step = Math.max(totpStep(now), (lastUsed.get(secret) ?? 0) + 1);
    if (step <= totpStep(now) + 1) {
      lastUsed.set(secret, step);
      return totpCode(secret, step * 30_000);
    }
    await sleep((totpStep(now) + 1) * 30_000 - now + 50);
  }
}
