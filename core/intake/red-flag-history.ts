import type { Language } from "../i18n";
import { compile, occurs, readTokens, type ReadText } from "./red-flag-phrases";

/**
 * A past event told as over: "I had a minor stroke 2 years ago, fully recovered, can I fly?", "my brother overdosed
 * 5 years ago, clean since". Such a text names the emergency but describes history; a rule it raises only through the
 * parts dated long ago (`@past_event`, in a text that also says the person is well now, `@over_now`) is set aside
 * (red-flags.ts). A rule the rest of the text raises still fires ("a stroke last year, recovered well; his face
 * droops and he cannot speak"), and every rule is kept when the text has no "well now" (a suicide attempt last month
 * with the pills at hand) or its rest says today, again, this morning… (`@onset_now`: "an attempt last month, fine
 * now, but I saved up pills and want to end it today").
 *
 * The dated parts are the negation scopes (triage-text.ts: a clause, or the words between two conjunctions) that hold
 * the date, so "родила 2 недели назад, всё было хорошо, а сегодня сильное кровотечение" keeps today's bleeding apart.
 */
export interface History {
  /** Each reading's dated parts (none: an empty reading). */
  dated: ReadText[];
  /** Each reading without them (the whole reading where nothing is dated). */
  rest: ReadText[];
}

function splitReading(reading: ReadText): { dated: ReadText; rest: ReadText } | undefined {
  const past = compile("@past_event", reading.language);
  if (!occurs(past, reading) || !occurs(compile("@over_now", reading.language), reading)) return undefined;
  const { tokens, language } = reading;
  const scopes = [...new Set(tokens.map((token) => token.scope))];
  const dated = new Set(scopes.filter((scope) => occurs(past, readTokens(tokens.filter((token) => token.scope === scope), language))));
  if (dated.size === 0) return undefined;
  const rest = readTokens(tokens.filter((token) => !dated.has(token.scope)), language);
  if (occurs(compile("@onset_now", language), rest)) return undefined;
  return { dated: readTokens(tokens.filter((token) => dated.has(token.scope)), language), rest };
}

/** The text's history, if it tells one as over; `readings`: the text read in each language (red-flags.ts). */
export function historyOf(readings: ReadText[]): History | undefined {
  const split = readings.map(splitReading);
  if (split.every((part) => part === undefined)) return undefined;
  const empty = (language: Language) => readTokens([], language);
  return {
    dated: readings.map((reading, i) => split[i]?.dated ?? empty(reading.language)),
    rest: readings.map((reading, i) => split[i]?.rest ?? reading),
  };
}
