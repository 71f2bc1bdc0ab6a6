import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { MiniAppCheck } from "../../core/exam/exam-sessions";

const userSchema = z.object({ id: z.number().int(), language_code: z.string().optional() });

/**
 * Telegram Mini App `initData`, checked as Telegram documents it: check string = every field but `hash`,
 * sorted by key, `key=value` joined by "\n"; secret = HMAC_SHA256(key "WebAppData", bot token);
 * hex(HMAC_SHA256(secret, check string)) must equal `hash` (compared in constant time); a stale
 * `auth_date` is refused so a captured initData cannot be replayed for long.
 */
export function checkInitData(initData: string, botToken: string, maxAgeSeconds: number, now = new Date()): MiniAppCheck {
  const params = new URLSearchParams(initData);
  const hash = params.get("hash");
  if (!hash || !/^[0-9a-f]{64}$/.test(hash)) return { ok: false, reason: "malformed" };
  const checkString = [...params.entries()]
    .filter(([key]) => key !== "hash")
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join("\n");
  const secret = createHmac("sha256", "WebAppData").update(botToken).digest();
  const expected = createHmac("sha256", secret).update(checkString).digest();
  if (!timingSafeEqual(expected, Buffer.from(hash, "hex"))) return { ok: false, reason: "bad_signature" };
  const authDate = Number(params.get("auth_date"));
  if (!Number.isFinite(authDate) || now.getTime() / 1000 - authDate > maxAgeSeconds) return { ok: false, reason: "stale" };
  const user = userSchema.safeParse(JSON.parse(params.get("user") ?? "null"));
  if (!user.success) return { ok: false, reason: "malformed" };
  return { ok: true, userId: String(user.data.id), languageCode: user.data.language_code };
}

/** Builds initData the way Telegram signs it (tests and local tools). */
export function signInitData(fields: Record<string, string>, botToken: string): string {
  const checkString = Object.keys(fields).sort().map((key) => `${key}=${fields[key]}`).join("\n");
  const secret = createHmac("sha256", "WebAppData").update(botToken).digest();
  const hash = createHmac("sha256", secret).update(checkString).digest("hex");
  return new URLSearchParams({ ...fields, hash }).toString();
}

/** The exam page's Mini App check for this bot, or none when no Telegram bot is configured. */
export const telegramMiniApp = (botToken: string | undefined, maxAgeSeconds: number) =>
  botToken ? (initData: string) => checkInitData(initData, botToken, maxAgeSeconds) : undefined;
