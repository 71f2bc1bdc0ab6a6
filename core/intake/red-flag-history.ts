import { compile, occurs, readTokens, type ReadText } from "./red-flag-phrases";
import type { Token } from "./triage-text";

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
  /** Each reading's dated parts. */
  dated: ReadText[];
  /** Each reading without them. */
  rest: ReadText[];
}

/** The negation scopes of a reading that hold a date long ago, when the reading also says the person is well now. */
function datedScopes(reading: ReadText): Set<number> | undefined {
  const past = compile("@past_event", reading.language);
  if (!occurs(past, reading) || !occurs(compile("@over_now", reading.language), reading)) return undefined;
  const { tokens, language } = reading;
  const scopes = [...new Set(tokens.map((token) => token.scope))];
  const dated = scopes.filter((scope) => occurs(past, readTokens(tokens.filter((token) => token.scope === scope), language)));
  return dated.length ? new Set(dated) : undefined;
}

/**
 * The text's history, if it tells one as over; `readings`: the text read in each language (red-flags.ts). A reading
 * that finds no date of its own (an Azerbaijani "insult" read as the Russian "инсульт") has the clauses dated in the
 * others set apart: clauses are where the punctuation is, the same in every reading.
 */
export function historyOf(readings: ReadText[]): History | undefined {
  const scopes = readings.map(datedScopes);
  if (scopes.every((dated) => dated === undefined)) return undefined;
  const clauses = new Set(readings.flatMap((reading, i) => reading.tokens.filter((token) => scopes[i]?.has(token.scope)).map((token) => token.clause)));
  const parts = readings.map((reading, i) => {
    const dated = (token: Token) => (scopes[i] ? scopes[i].has(token.scope) : clauses.has(token.clause));
    return {
      dated: readTokens(reading.tokens.filter(dated), reading.language),
      rest: readTokens(reading.tokens.filter((token) => !dated(token)), reading.language),
    };
  });
  if (parts.some(({ rest }) => occurs(compile("@onset_now", rest.language), rest))) return undefined;
  return { dated: parts.map((part) => part.dated), rest: parts.map((part) => part.rest) };
}
