import { createHash, randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { z } from "zod";
import { channelNameSchema, type OutgoingButton, type OutgoingMessage } from "../channels/channel";
import { AppError } from "../errors";
import { languages, translator, type Language } from "../i18n";
import type { PatientAccount } from "../patients/patient-repository";
import type { ExamResult } from "./exam-result";
import { redisKeys } from "../redis-keys";

const linkSchema = z.object({
  intakeId: z.uuid(),
  account: z.object({
    accountId: z.uuid(),
    patientId: z.uuid(),
    channel: channelNameSchema,
    chatId: z.string(),
    language: z.enum(languages),
  }),
});

/** What a Telegram Mini App's signed `initData` says (bots/telegram/mini-app-init-data.ts checks it). */
export type MiniAppCheck = { ok: true; userId: string; languageCode?: string } | { ok: false; reason: "malformed" | "bad_signature" | "stale" };

interface Deps {
  redis: Redis;
  prefix: string;
  publicUrl: string;
  linkTtlSeconds: number;
  /** Present when a Telegram bot is configured: Telegram patients get the page as a Mini App, whose initData this checks. */
  telegramMiniApp?: (initData: string) => MiniAppCheck;
  telegramAccount(externalUserId: string): Promise<PatientAccount | undefined>;
  /** Stores the result on the intake and says what to send next (undefined when the intake is gone or finished). */
  examSubmitted(account: PatientAccount, intakeId: string, exam: ExamResult, t: ReturnType<typeof translator>): Promise<OutgoingMessage[] | undefined>;
  send(accountId: string, message: OutgoingMessage): Promise<unknown>;
}

const hash = (token: string) => createHash("sha256").update(token).digest("base64url");

/**
 * How a patient reaches the body-map page: in Telegram a Mini App whose `initData` Telegram signs (so the
 * URL carries no secret), elsewhere a one-time link (only the token's hash in Redis, expiring, used once).
 */
export class ExamSessions {
  constructor(private readonly deps: Deps) {}

  private key = (token: string) => redisKeys(this.deps.prefix).examLink(hash(token));

  async button(account: PatientAccount, intakeId: string, label: string): Promise<OutgoingButton> {
    const base = this.deps.publicUrl.replace(/\/$/, "");
    if (account.channel === "telegram" && this.deps.telegramMiniApp) {
      return { label, webApp: `${base}/exam/app?intake=${intakeId}&lang=${account.language}` };
    }
    const token = randomBytes(24).toString("base64url");
    await this.deps.redis.set(this.key(token), JSON.stringify({ intakeId, account }), "EX", this.deps.linkTtlSeconds);
    return { label, url: `${base}/exam/link/${token}` };
  }

  /** The page's language for a link, or undefined when the link is unknown, used or expired. */
  async linkLanguage(token: string): Promise<Language | undefined> {
    const raw = await this.deps.redis.get(this.key(token));
    return raw ? linkSchema.parse(JSON.parse(raw)).account.language : undefined;
  }

  async submitByLink(token: string, exam: ExamResult): Promise<void> {
    const raw = await this.deps.redis.getdel(this.key(token));
    if (!raw) throw new AppError("not_found", "this link is used or expired");
    const link = linkSchema.parse(JSON.parse(raw));
    await this.submit(link.account, link.intakeId, exam);
  }

  async submitByInitData(initData: string, intakeId: string, exam: ExamResult): Promise<void> {
    if (!this.deps.telegramMiniApp) throw new AppError("not_found", "no Telegram bot configured");
    const check = this.deps.telegramMiniApp(initData);
    if (!check.ok) throw new AppError("unauthorized", `initData refused: ${check.reason}`);
    const account = await this.deps.telegramAccount(check.userId);
    if (!account) throw new AppError("unauthorized", "unknown Telegram user");
    await this.submit(account, intakeId, exam);
  }

  private async submit(account: PatientAccount, intakeId: string, exam: ExamResult): Promise<void> {
    const messages = await this.deps.examSubmitted(account, intakeId, exam, translator(account.language));
    if (!messages) throw new AppError("conflict", "this examination is no longer expected");
    for (const message of messages) await this.deps.send(account.accountId, message);
  }
}
