import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import i18next, { type TFunction } from "i18next";

/**
 * The documents' own texts in every language the clinic serves. The PDFs and the account page need all six
 * even where the bot's language list (core/i18n.ts) is shorter, so this namespace is loaded here directly.
 */
export const documentLanguages = ["ru", "en", "uz", "tg", "ky", "az"] as const;
export type DocumentLanguage = (typeof documentLanguages)[number];

const localesDir = join(import.meta.dirname, "..", "..", "locales");

const resources = Object.fromEntries(
  documentLanguages
    .filter((language) => existsSync(join(localesDir, language, "documents.json")))
    .map((language) => [language, { documents: JSON.parse(readFileSync(join(localesDir, language, "documents.json"), "utf8")) }]),
);

const instance = i18next.createInstance();
await instance.init({
  resources,
  supportedLngs: Object.keys(resources),
  fallbackLng: false,
  ns: ["documents"],
  defaultNS: "documents",
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false,
});

export const documentLanguage = (code: string | undefined): DocumentLanguage => {
  const base = code?.toLowerCase().split(/[-_]/)[0];
  return documentLanguages.find((language) => language === base && resources[language]) ?? "ru";
};

export const documentTexts = (language: string): TFunction => instance.getFixedT(documentLanguage(language), "documents");
