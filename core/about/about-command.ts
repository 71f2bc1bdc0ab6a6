import type { CommandHandler } from "../dialogue/handlers";
import { translator } from "../i18n";

/** `/about` in the messenger: the link to the disclosure page in the patient's language; no consent needed to read it. */
export function aboutCommand(publicUrl: string): CommandHandler {
  return {
    command: "about",
    beforeConsent: true,
    async handle(account) {
      const url = `${publicUrl.replace(/\/$/, "")}/about?lang=${account.language}`;
      return [{ text: translator(account.language, "about")("command", { url }) }];
    },
  };
}
