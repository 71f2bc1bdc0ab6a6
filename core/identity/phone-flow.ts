import type { Redis } from "ioredis";
import type { OutgoingMessage } from "../channels/channel";
import type { CommandHandler, ContactReceiver, TextInterceptor } from "../dialogue/handlers";
import type { IdentityService } from "./identity-service";
import { normalizePhone } from "./identity-service";
import type { Logger } from "pino";
import { SmsNotSent, type SmsCodes, type SmsProvider } from "./sms";
import { redisKeys } from "../redis-keys";

interface Deps {
  identity: IdentityService;
  codes: SmsCodes;
  sms: SmsProvider;
  logger: Pick<Logger, "warn">;
  redis: Redis;
  prefix: string;
  /** How long `/phone` waits for a number, and a sent code for its answer (longer than the code lives, to say "expired"). */
  waitSeconds: number;
}

const phonePattern = /^\+?[\d\s()-]{10,20}$/;
const codePattern = /^\d{6}$/;

/**
 * Confirming the patient's phone number: the messenger's own-contact button (Telegram vouches that the number
 * belongs to the account) or a one-time SMS code. `/phone` starts it; the next texts are the number and the code.
 */
export class PhoneConfirmation {
  constructor(private readonly deps: Deps) {}

  private awaitKey = (patientId: string, what: "number" | "code") => redisKeys(this.deps.prefix).phoneAwait(patientId, what);

  readonly command: CommandHandler = {
    command: "phone",
    handle: async (account, _args, t) => {
      await this.deps.redis.set(this.awaitKey(account.patientId, "number"), "1", "EX", this.deps.waitSeconds);
      // Only Telegram has a share-my-number button; elsewhere (web chat, VK) the text must not point at one.
      if (account.channel !== "telegram") return [{ text: t("identity.phone.ask_number") }];
      return [{ text: t("identity.phone.ask"), buttons: [[{ label: t("identity.phone.share"), requestContact: true }]] }];
    },
  };

  readonly contacts: ContactReceiver = {
    receive: async (account, contact, t) => {
      if (!contact.own) return [{ text: t("identity.phone.foreign_contact") }];
      await this.deps.identity.record(account.patientId, {
        level: "phone_confirmed",
        method: "telegram_contact",
        subject: normalizePhone(contact.phone),
        actor: { type: "patient", id: account.patientId },
      });
      await this.deps.redis.del(this.awaitKey(account.patientId, "number"));
      return [{ text: t("identity.phone.confirmed") }];
    },
  };

  /** Takes the number or the code the patient types while `/phone` waits for them; anything else goes on to the intake. */
  readonly texts: TextInterceptor = {
    intercept: async (account, text, t): Promise<OutgoingMessage[] | undefined> => {
      const { redis, codes } = this.deps;
      const trimmed = text.trim();
      if (codePattern.test(trimmed) && (await redis.exists(this.awaitKey(account.patientId, "code")))) {
        const result = await codes.check(account.patientId, trimmed);
        if (!result.ok) {
          if (result.reason !== "wrong") await redis.del(this.awaitKey(account.patientId, "code"));
          return [{ text: t(`identity.phone.code_${result.reason}`) }];
        }
        await redis.del(this.awaitKey(account.patientId, "code"));
        await this.deps.identity.record(account.patientId, {
          level: "phone_confirmed",
          method: "sms",
          subject: result.phone,
          actor: { type: "patient", id: account.patientId },
        });
        return [{ text: t("identity.phone.confirmed") }];
      }
      if (phonePattern.test(trimmed) && (await redis.getdel(this.awaitKey(account.patientId, "number")))) {
        const phone = normalizePhone(trimmed);
        if (phone.length < 10 || phone.length > 15) return [{ text: t("identity.phone.invalid") }];
        const code = await codes.issue(account.patientId, phone);
        if (!code) return [{ text: t("identity.phone.code_throttled") }];
        try {
          await this.deps.sms.send(`+${phone}`, t("identity.phone.sms", { code }));
        } catch (error) {
          // Refused, timed out or unreachable: the patient hears it now (the number is already taken, so a retried
          // step would not send again) and may ask for a new code at once.
          await codes.void(account.patientId);
          const reason = error instanceof SmsNotSent ? error.reason : (error as Error).message;
          this.deps.logger.warn({ patientId: account.patientId, reason }, "a phone code was not sent");
          return [{ text: t("identity.phone.sms_failed") }];
        }
        await redis.set(this.awaitKey(account.patientId, "code"), "1", "EX", this.deps.waitSeconds);
        return [{ text: t("identity.phone.code_sent", { tail: phone.slice(-2) }) }];
      }
      return undefined;
    },
  };
}
