import type { TFunction } from "i18next";
import type { OutgoingMessage } from "../channels/channel";
import { languages, translator, type Language } from "../i18n";
import type { PatientAccount } from "../patients/patient-repository";
import type { ButtonHandler, CommandHandler } from "./handlers";
import type { PatientPreferences } from "../patients/patient-preferences-repository";

/** Each language's button is labelled in that language (`language.name` of its own bot.json). */
export function languageChoice(t: TFunction, current: Language): OutgoingMessage {
  const buttons = languages.map((language) => ({ label: translator(language)("language.name"), data: `lang:${language}` }));
  return {
    text: t("language.ask", { language: translator(current)("language.name") }),
    buttons: [buttons.slice(0, 3), buttons.slice(3)],
  };
}

/**
 * `/language` and the `lang:<code>` buttons. Allowed before consent: a patient must read the consent texts
 * in a language they understand. After a change the next step is asked again in the new language.
 */
export function languageHandlers(
  preferences: PatientPreferences,
  nextStep: (account: PatientAccount, t: TFunction) => Promise<OutgoingMessage>,
): { command: CommandHandler; buttons: ButtonHandler } {
  return {
    command: { command: "language", beforeConsent: true, handle: async (account, _args, t) => [languageChoice(t, account.language)] },
    buttons: {
      prefix: "lang",
      handle: async (account, data) => {
        const language = languages.find((l) => `lang:${l}` === data);
        if (!language) return [];
        await preferences.setLanguage(account.patientId, language);
        const t = translator(language);
        const changed = { ...account, language };
        return [{ text: t("language.changed") }, await nextStep(changed, t)];
      },
    },
  };
}
