import type { CommandHandler } from "../dialogue/handlers";
import { translator } from "../i18n";
import type { IngestionTokens } from "./ingestion-tokens";

/** `/device`: gives the patient a new ingestion token with the links to put into their device's app. */
export function deviceCommand(tokens: IngestionTokens): CommandHandler {
  return {
    command: "device",
    async handle(account) {
      const t = translator(account.language, "monitoring");
      const link = await tokens.issue({ type: "patient", id: account.patientId }, account.patientId, "messenger");
      return [
        { text: t("device.link", { readingsUrl: link.readingsUrl, token: link.token, nightscoutUrl: link.nightscoutUrl }) },
      ];
    },
  };
}
