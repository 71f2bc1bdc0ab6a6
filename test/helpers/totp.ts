import { setTimeout as sleep } from "node:timers/promises";
import { totpCode, totpStep } from "../../core/staff/totp";

const lastUsed = new Map<string, number>();

/**
 * A code the api has not seen yet for this secret. Each TOTP step signs in once (and no older step after it),
 * and a test may log one account in several times within 30 s: this hands out the previous, current and next
 * step in turn (the api allows one step of drift either way), then waits for the next step. Every code a test
 * process types for a secret and expects to work must come from here.
 */
export async function freshTotpCode(secret: string): Promise<string> {
  for (;;) {
    const now = Date.now();
    // The previous step only while the request surely reaches the api before the step after next begins.
    const earliest = totpStep(now) - (now % 30_000 < 20_000 ? 1 : 0);
    const step = Math.max(earliest, (lastUsed.get(secret) ?? 0) + 1);
    if (step <= totpStep(now) + 1) {
      lastUsed.set(secret, step);
      return totpCode(secret, step * 30_000);
    }
    await sleep((totpStep(now) + 1) * 30_000 - now + 50);
  }
}
