import type { Language } from "../i18n";

/** Intl locales for our languages: Uzbek in Latin script, as our texts are. */
const locales: Record<Language, string> = { ru: "ru-RU", en: "en-GB", uz: "uz-Latn-UZ", tg: "tg-TJ", ky: "ky-KG", az: "az-Latn-AZ" };

/** A date and time as the patient reads them: their language's format, their timezone's clock. */
export const formatDateTime = (at: Date, timezone: string, language: Language): string =>
  new Intl.DateTimeFormat(locales[language], { timeZone: timezone, dateStyle: "long", timeStyle: "short" }).format(at);
