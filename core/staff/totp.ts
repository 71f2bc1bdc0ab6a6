import { Secret, TOTP } from "otpauth";

/**
 * TOTP (RFC 6238, SHA-1, 6 digits, 30 s steps): what every authenticator app speaks. Secrets are stored
 * base32, as they always were, so accounts created before the switch to `otpauth` keep their codes.
 */
const totp = (secret: string, label = "", issuer = "Telecons") =>
  new TOTP({ issuer, label, algorithm: "SHA1", digits: 6, period: 30, secret: Secret.fromBase32(secret) });

export const newTotpSecret = (): string => new Secret({ size: 20 }).base32;

/** The code of the step `at` falls in; tests and the seeding script type it in as an app would. */
export const totpCode = (secret: string, at: number = Date.now()): string => totp(secret).generate({ timestamp: at });

/** The step number (30 s each since the epoch) of `at`. */
export const totpStep = (at: number = Date.now()): number => TOTP.counter({ period: 30, timestamp: at });

/**
 * The step a code belongs to, or null when it matches none. The previous and next step count too:
 * phone clocks drift and people type slowly. The caller must let each step be used once per account.
 */
export function matchTotp(secret: string, code: string, at: number = Date.now()): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totp(secret).validate({ token: code, timestamp: at, window: 1 });
  return delta === null ? null : totpStep(at) + delta;
}

export const otpauthUrl = (secret: string, email: string, issuer = "Telecons") => totp(secret, email, issuer).toString();
