import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import i18next, { type TFunction } from "i18next";

export const languages = ["ru", "en"] as const;
export type Language = (typeof languages)[number];

const localesDir = join(import.meta.dirname, "..", "locales");

/** Picks our language for a messenger's language code (`ru-RU` → `ru`), or undefined when we have none. */
export function matchLanguage(code: string | undefined): Language | undefined {
  const base = code?.toLowerCase().split(/[-_]/)[0];
  return languages.find((language) => language === base);
}

function loadResources() {
  return Object.fromEntries(
    languages.map((language) => {
      const dir = join(localesDir, language);
      const namespaces = readdirSync(dir).filter((file) => file.endsWith(".json"));
      return [
        language,
        Object.fromEntries(namespaces.map((file) => [file.replace(/\.json$/, ""), JSON.parse(readFileSync(join(dir, file), "utf8"))])),
      ];
    }),
  );
}

const instance = i18next.createInstance();
await instance.init({
  resources: loadResources(),
  supportedLngs: [...languages],
  fallbackLng: false,
  ns: ["bot"],
  defaultNS: "bot",
  // Texts go to messengers as plain text, not HTML.
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false,
});

/** A translator bound to one language; a missing key is a bug, so it shows the key rather than another language. */
export const translator = (language: Language): TFunction => instance.getFixedT(language, "bot");
