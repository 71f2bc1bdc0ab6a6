import type { ButtonHandler } from "../dialogue/handlers";
import { translator } from "../i18n";
import type { Translations } from "./translations";

/** The patient's "Ask for a translation" under a second-opinion document (`so:tr:<file id>`). */
export function translationButtons(translations: Translations): ButtonHandler {
  return {
    prefix: "so",
    requiresConsent: true,
    async handle(account, data) {
      const t = translator(account.language, "second-opinion");
      const match = /^so:tr:([0-9a-f-]{36})$/.exec(data);
      if (!match) return [];
      const result = await translations.request(account.patientId, match[1]!);
      if (result.outcome === "unknown") return [{ text: t("translation_unknown") }];
      if (result.outcome === "already") return [{ text: t("translation_already", { number: result.number }) }];
      return [{ text: t("translation_requested", { number: result.number }) }];
    },
  };
}
