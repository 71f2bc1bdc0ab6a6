import type { Language } from "../i18n";
import { compile, occurs, readTokens, type ReadText } from "./red-flag-phrases";
import type { Token } from "./triage-text";

/**
 * A past event told as over: "I had a minor stroke 2 years ago, fully recovered, can I fly?", "my brother overdosed
 * 5 years ago, clean since". Such a text names the emergency but describes history: when it dates something long ago
 * (`@past_event`) and says the person is well now (`@over_now`), a rule the rest of the text does not raise by itself
 * is set aside (red-flags.ts), so the history cannot lend a word to the rest either ("3 года назад был приступ…
 * лекарства не пьёт" is no child of 3 who does not drink). A rule the rest raises still fires ("a stroke last year,
 * recovered well; his face droops and he cannot speak"), and every rule is kept when the text has no "well now" (a
 * suicide attempt last month with the pills at hand) or its rest says today, again, this morning… (`@onset_now`: "an
 * attempt last month, fine now, but I saved up pills and want to end it today").
 *
 * The dated parts are the negation scopes (triage-text.ts: a clause, or the words between two conjunctions) that hold
 * the date or the "well now", so "родила 2 недели назад, всё было хорошо, а сегодня сильное кровотечение" keeps today's
 * bleeding apart.
 *
 * A question asked ahead is read the same way: "what should we do if he has a fit? I want to know beforehand" tells of
 * what has not happened (`askedAheadScopes`).
 */
export interface History {
  /** Each reading's parts that tell the history. */
  dated: ReadText[];
  /** Each reading without them. */
  rest: ReadText[];
}

/**
 * The negation scopes of a reading that tell the history: those holding a date long ago and those saying the person is
 * well now ("took an overdose 2 years ago, been well for a long time now on sertraline" names the pills in the second).
 */
function historyScopes(reading: ReadText): Set<number> | undefined {
  const past = compile("@past_event", reading.language);
  const over = compile("@over_now", reading.language);
  if (!occurs(past, reading) || !occurs(over, reading)) return undefined;
  const { tokens, language } = reading;
  const scopes = [...new Set(tokens.map((token) => token.scope))].map((scope) => {
    const words = readTokens(tokens.filter((token) => token.scope === scope), language);
    const dated = occurs(past, words);
    return { scope, dated, tells: dated || occurs(over, words) };
  });
  if (!scopes.some(({ dated }) => dated)) return undefined;
  return new Set(scopes.filter(({ tells }) => tells).map(({ scope }) => scope));
}

/** Turkic conditional verbs, folded: "tutsa", "калса", "keçirsə" (if he has, if it sticks, if she goes through). */
const conditionalVerb = /^\p{L}{2,}(sa|se|са|се|со)$/u;
const turkic: Language[] = ["uz", "ky", "az"];

/** The clauses of a reading whose words pass `test` (`inClause`: its tokens, for what a phrase cannot say). */
function clausesWhere(reading: ReadText, test: (words: ReadText, inClause: Token[]) => boolean): Set<number> {
  const { tokens, language } = reading;
  return new Set(
    [...new Set(tokens.map((token) => token.clause))].filter((clause) => {
      const inClause = tokens.filter((token) => token.clause === clause);
      return test(readTokens(inClause, language), inClause);
    }),
  );
}

/**
 * The clauses that ask what to do (`@what_to_do`) under a condition ("if", "agar", or a Turkic conditional verb), in
 * the same clause or in the one after it ("агар боз шавад, чӣ кор кунем?").
 */
const askingIf = (reading: ReadText) => {
  const { language } = reading;
  const conditional = clausesWhere(
    reading,
    (words, inClause) => occurs(compile("@if_word", language), words) || (turkic.includes(language) && inClause.some((token) => conditionalVerb.test(token.word))),
  );
  const asking = clausesWhere(reading, (words) => occurs(compile("@what_to_do", language), words));
  return new Set([...conditional].flatMap((clause) => (asking.has(clause) ? [clause] : asking.has(clause + 1) ? [clause, clause + 1] : [])));
};

/** The clauses that ask leave ("можно ли ему снова за руль?", "кайра машина айдаса болобу?"). */
const askingLeave = (reading: ReadText) => clausesWhere(reading, (words) => occurs(compile("@may_i", reading.language), words));

/**
 * The scopes of a reading that ask ahead: when the text says it asks beforehand or just in case (`@in_advance`), its
 * clauses asking what to do if (`askingIf`). Whole clauses only, so "выпил 20 таблеток, что делать если станет плохо?
 * спрашиваю на всякий случай" keeps the pills in the rest; a "what do I do if" without "beforehand" is read as now
 * ("что делать если ребёнок выпил отбеливатель" tells what happened).
 */
function askedAheadScopes(reading: ReadText): Set<number> | undefined {
  if (!occurs(compile("@in_advance", reading.language), reading)) return undefined;
  const asking = askingIf(reading);
  return asking.size ? new Set(reading.tokens.filter((token) => asking.has(token.clause)).map((token) => token.scope)) : undefined;
}

/** The scopes of a reading told as not happening now: a history told as over, a question asked ahead. */
function apartScopes(reading: ReadText): Set<number> | undefined {
  const history = historyScopes(reading);
  const ahead = askedAheadScopes(reading);
  return history && ahead ? new Set([...history, ...ahead]) : (history ?? ahead);
}

/**
 * The text's history, if it tells one as over or asks ahead; `readings`: the text read in each language (red-flags.ts).
 * A reading that finds no date of its own (an Azerbaijani "insult" read as the Russian "инсульт") has the clauses dated
 * in the others set apart: clauses are where the punctuation is, the same in every reading.
 */
export function historyOf(readings: ReadText[]): History | undefined {
  const scopes = readings.map(apartScopes);
  if (scopes.every((dated) => dated === undefined)) return undefined;
  const clauses = new Set(readings.flatMap((reading, i) => reading.tokens.filter((token) => scopes[i]?.has(token.scope)).map((token) => token.clause)));
  const parts = readings.map((reading, i) => {
    const dated = (token: Token) => (scopes[i] ? scopes[i].has(token.scope) : clauses.has(token.clause));
    return {
      dated: readTokens(reading.tokens.filter(dated), reading.language),
      rest: readTokens(reading.tokens.filter((token) => !dated(token)), reading.language),
    };
  });
  // "what do we do if it happens again?" and "can he drive again?" say no "again" of today
  const saysNow = (rest: ReadText) => {
    const asking = new Set([...askingIf(rest), ...askingLeave(rest)]);
    return occurs(compile("@onset_now", rest.language), readTokens(rest.tokens.filter((token) => !asking.has(token.clause)), rest.language));
  };
  if (parts.some(({ rest }) => saysNow(rest))) return undefined;
  return { dated: parts.map((part) => part.dated), rest: parts.map((part) => part.rest) };
}
