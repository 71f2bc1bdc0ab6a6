import { translator } from "../i18n";
import { MOSCOW_TIME_ZONE } from "./moscow-time";
import type { CoverageGap } from "./rota-grid";

/** Telegram takes 4096 characters a message: the digest names this many gaps and counts the rest. */
const LISTED = 40;
const language = "ru";

/**
 * The day's digest for the clinic's chat, in Russian (the clinic's language; staff texts in locales/<lang>/console.json):
 * every gap of the coming week, Moscow times, specialties by their Russian names.
 */
export function coverageDigestText(gaps: CoverageGap[], specialtyNames: ReadonlyMap<string, string>): string {
  const t = translator(language, "console");
  if (!gaps.length) return t("coverageDigest.none");
  const when = new Intl.DateTimeFormat("ru-RU", { timeZone: MOSCOW_TIME_ZONE, weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
  const languageNames = new Intl.DisplayNames([language], { type: "language" });
  const lines = gaps.slice(0, LISTED).map((gap) =>
    t("coverageDigest.gap", {
      specialty: specialtyNames.get(gap.specialty) ?? gap.specialty,
      language: languageNames.of(gap.language) ?? gap.language,
      from: when.format(gap.from),
      to: when.format(gap.to),
    }),
  );
  if (gaps.length > LISTED) lines.push(t("coverageDigest.more", { count: gaps.length - LISTED }));
  return [t("coverageDigest.title"), "", ...lines].join("\n");
}
