import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import i18next, { type TFunction } from "i18next";

export const languages = ["ru", "en", "uz", "tg", "ky", "az"] as const;
export type Language = (typeof languages)[number];

const localesDir = join(import.meta.dirname, "..", "locales");

/** Picks our language for a messenger's language code (`ru-RU` → `ru`), or undefined when we have none. */
export function matchLanguage(code: string | undefined): Language | undefined {
  const base = code?.toLowerCase().split(/[-_]/)[0];
  return languages.find((language) => language === base);
}

/** Each file `locales/<language>/<namespace>.json` is one namespace; `bot` is the dialogue's. */
function loadResources() {
  return Object.fromEntries(
    languages.map((language) => {
      const dir = join(localesDir, language);
      const files = readdirSync(dir).filter((file) => file.endsWith(".json"));
      return [
        language,
        Object.fromEntries(files.map((file) => [file.replace(/\.json$/, ""), JSON.parse(readFileSync(join(dir, file), "utf8"))])),
      ];
    }),
  );
}

const resources = loadResources();

const instance = i18next.createInstance();
await instance.init({
  resources,
  supportedLngs: [...languages],
  fallbackLng: false,
  ns: Object.keys(resources.ru ?? {}),
  defaultNS: "bot",
  // Texts go to messengers as plain text, not HTML.
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false,
});

/**
 * A translator bound to one language and namespace (`bot` by default; other keys as `ns:key`).
 * A missing key is a bug, so it shows the key rather than another language.
 */
export const translator = (language: Language, namespace = "bot"): TFunction => instance.getFixedT(language, namespace);
