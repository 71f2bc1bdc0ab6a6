import { recordAudit } from "../audit/audit-log";
import type { Db } from "../db/prisma";
import type { CommandHandler } from "../dialogue/dialogue";
import { matchLanguage, translator } from "../i18n";
import type { PatientAccount } from "../patients/patient-repository";
import type { LinkCodes } from "./link-codes";

/** Prisma's "a foreign key still points here": the new patient already has data of its own. */
const isForeignKeyViolation = (error: unknown) => (error as { code?: string } | null)?.code === "P2003";

type Outcome = "linked" | "already_linked" | "has_history";

/**
 * One person, several messengers, one Patient. The account typing the code moves to the Patient that asked
 * for it; the new, empty Patient it had is merged away (its consents kept as records of the same person).
 */
export class AccountLinking {
  constructor(
    private readonly db: Db,
    private readonly codes: LinkCodes,
  ) {}

  private async attach(account: PatientAccount, targetPatientId: string): Promise<Outcome> {
    const source = account.patientId;
    if (source === targetPatientId) return "already_linked";
    try {
      await this.db.$transaction(async (tx) => {
        await tx.messengerAccount.updateMany({ where: { patientId: source }, data: { patientId: targetPatientId } });
        await tx.consent.updateMany({ where: { patientId: source }, data: { patientId: targetPatientId } });
        // Fails while anything else (a consultation, readings…) still belongs to the new patient: never merge data silently.
        await tx.patient.delete({ where: { id: source } });
        await recordAudit(tx, {
          actor: { type: "patient", id: targetPatientId },
          action: "patient.link_account",
          entityType: "patient",
          entityId: targetPatientId,
          meta: { accountId: account.accountId, channel: account.channel, mergedPatientId: source },
        });
      });
      return "linked";
    } catch (error) {
      if (isForeignKeyViolation(error)) return "has_history";
      throw error;
    }
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
        const target = await this.db.patient.findUnique({ where: { id: redeemed.patientId }, select: { language: true } });
        const language = outcome === "linked" ? (matchLanguage(target?.language) ?? account.language) : account.language;
        return [{ text: translator(language, "channels")(`link.${outcome}`) }];
      },
    };
  }
}
