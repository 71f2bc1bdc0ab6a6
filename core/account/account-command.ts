import type { CommandHandler } from "../dialogue/handlers";
import { documentTexts } from "../documents/document-texts";
import type { AccountService } from "./account-service";

/** `/account` in the messenger: a fresh one-time link into the patient account, in the patient's language. */
export function accountCommand(accounts: AccountService, linkTtlSeconds: number): CommandHandler {
  return {
    command: "account",
    async handle(account) {
      const { url } = await accounts.createLoginLink(account.patientId);
      const t = documentTexts(account.language);
      return [{ text: t("command.link", { url, minutes: Math.round(linkTtlSeconds / 60) }) }];
    },
  };
}
