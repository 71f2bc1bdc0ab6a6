import type { CommandHandler } from "../dialogue/handlers";
import { matchLanguage, translator } from "../i18n";
import type { PatientAccount } from "../patients/patient-repository";
import type { AccountLinkingRepository } from "./account-linking-repository";
import type { LinkCodes } from "./link-codes";

type Outcome = "linked" | "already_linked" | "has_history";

/**
 * One person, several messengers, one Patient. The account typing the code moves to the Patient that asked
 * for it; the new, empty Patient it had is merged away (its consents kept as records of the same person).
 */
export class AccountLinking {
  constructor(
    private readonly links: AccountLinkingRepository,
    private readonly codes: LinkCodes,
  ) {}

  private async attach(account: PatientAccount, targetPatientId: string): Promise<Outcome> {
    const source = account.patientId;
    if (source === targetPatientId) return "already_linked";
    return this.links.merge(source, targetPatientId, {
      actor: { type: "patient", id: targetPatientId },
      action: "patient.link_account",
      entityType: "patient",
      entityId: targetPatientId,
      meta: { accountId: account.accountId, channel: account.channel, mergedPatientId: source },
    });
  }

  /** `/link` gives a code; `/link <code>` in another messenger links it. Allowed before consents: it stores nothing medical. */
  command(ttlSeconds: number): CommandHandler {
    return {
      command: "link",
      beforeConsent: true,
      handle: async (account, args) => {
        const t = translator(account.language, "channels");
        const code = args.replace(/\s+/g, "");
        if (!code) {
          return [{ text: t("link.code", { code: await this.codes.issue(account.patientId), minutes: Math.round(ttlSeconds / 60) }) }];
        }
        const redeemed = await this.codes.redeem(account.accountId, code);
        if (redeemed.kind === "too_many_attempts") return [{ text: t("link.too_many_attempts", { minutes: this.codes.attemptWindowMinutes }) }];
        if (redeemed.kind === "bad_code") return [{ text: t("link.bad_code") }];
        const outcome = await this.attach(account, redeemed.patientId);
        if (outcome === "has_history") await this.codes.restore(code, redeemed.patientId);
        const targetLanguage = outcome === "linked" ? await this.links.patientLanguage(redeemed.patientId) : undefined;
        const language = matchLanguage(targetLanguage) ?? account.language;
        return [{ text: translator(language, "channels")(`link.${outcome}`) }];
      },
    };
  }
}
