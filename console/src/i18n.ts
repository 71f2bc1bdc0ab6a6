import i18next from "i18next";
import { useEffect, useState } from "react";
import en from "../../locales/en/console.json";
import ru from "../../locales/ru/console.json";
import enBot from "../../locales/en/bot.json";
import ruBot from "../../locales/ru/bot.json";

const stored = localStorage.getItem("telecons.lang");
const initial = stored === "en" || stored === "ru" ? stored : navigator.language.startsWith("ru") ? "ru" : "en";

void i18next.init({
  initAsync: false,
  // The bot's texts too: the doctor reads a triage question as the patient was asked it.
  resources: { ru: { console: ru, bot: ruBot }, en: { console: en, bot: enBot } },
  lng: initial,
  fallbackLng: "ru",
  defaultNS: "console",
  interpolation: { escapeValue: false },
});
document.documentElement.lang = initial;

export function setLanguage(language: "ru" | "en") {
  localStorage.setItem("telecons.lang", language);
  document.documentElement.lang = language;
  void i18next.changeLanguage(language);
}

/**
 * One translate function for the whole console. Its identity never changes, so it is safe anywhere, even in effect
 * dependencies; a new function per render there made effects refetch on every render (issue 16: a thread's
 * reminders panel asked the api 30 times a second, each read an audit row).
 */
const t: typeof i18next.t = ((...args: Parameters<typeof i18next.t>) => i18next.t(...args)) as typeof i18next.t;

/** Re-renders the component when the language changes; `t` stays the same function. */
export function useT() {
  const [, setTick] = useState(0);
  useEffect(() => {
    const onChange = () => setTick((n) => n + 1);
    i18next.on("languageChanged", onChange);
    return () => i18next.off("languageChanged", onChange);
  }, []);
  return { t, language: i18next.language as "ru" | "en" };
}
