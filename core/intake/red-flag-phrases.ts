import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { languages, type Language } from "../i18n";
import { deniesBefore, denyingVerbAt, isAlmost, normalTemperatureAt, isSmallWord, joinsList, isNegatedLightVerb, isNegativeVerb, isPainDenied, isPostNegation, isUnsure, negatesVerb, negationCues, negationWindow } from "./triage-negation";
import { fold, markSmiles, prefixVariants, stem, tokenize, type Token } from "./triage-text";
import { typoLength, typoMinLength, typoPrefixLength, withinOneEdit } from "./triage-typos";

/**
 * A rule's phrases compiled and matched against a text (the phrase forms are described in red-flags.ts): `compile`
 * turns a phrase into word patterns, `readText` reads a text in one language, `occurs` says whether the phrase occurs
 * there, not negated.
 */

const maxGap = 3;

/** Lay words per concept and language, shared by the rules (`@concept`); part of every rule set's version. */
const lexiconSchema = z.record(z.string().regex(/^[a-z0-9_]+$/), z.partialRecord(z.enum(languages), z.array(z.string().min(1))));
export const lexicon = lexiconSchema.parse(JSON.parse(readFileSync(join(import.meta.dirname, "triage-lexicon.json"), "utf8")));

type PatternWord = { prefixes: string[] } | { word: string; stem: string } | { min: number; max: number };

/**
 * One object per distinct pattern word and language: concepts expand into thousands of phrases sharing the same
 * words, and a word's matches in a text are worked out once (`matchesIn`).
 */
const patternWords = new Map<string, PatternWord>();
const patternWord = (language: Language, key: string, make: () => PatternWord) => {
  const id = `${language}\u0000${key}`;
  let word = patternWords.get(id);
  if (!word) patternWords.set(id, (word = make()));
  return word;
};

function parsePhrase(phrase: string, language: Language): PatternWord[] {
  // Folded whole, not word by word: a contraction spans two words ("ега олмайман" = "egolmayman").
  return markSmiles(fold(phrase, language)).split(/\s+/).flatMap((part): PatternWord[] => {
    const range = /^\{(\d+(?:[.,]\d+)?)-(\d+(?:[.,]\d+)?)\}$/.exec(part);
    if (range) return [patternWord(language, part, () => ({ min: Number(range[1]!.replace(",", ".")), max: Number(range[2]!.replace(",", ".")) }))];
    return (part.match(/[\p{L}\p{N}*]+|\u263a/gu) ?? []).map((w) =>
      patternWord(language, w, () => (w.endsWith("*") ? { prefixes: prefixVariants(w.slice(0, -1), language) } : { word: w, stem: stem(w, language) })),
    );
  });
}

/**
 * Every way a pattern word matches a token keeps the first letter (the same word, the same stem, a typo or a prefix:
 * triage-typos.ts), so a phrase can only occur in a text that has a word starting with its first word's letter. The
 * letters a pattern word can match after; "#" for a number range; "" when it could match any word.
 */
const keyLetters = (word: PatternWord): string[] =>
  "min" in word ? ["#"] : "prefixes" in word ? word.prefixes.map((prefix) => prefix.charAt(0)) : [word.word.charAt(0), word.stem.charAt(0)];

/**
 * A text read in one language: its tokens, the letters they start with (`keyLetters`) and, worked out once per
 * pattern word, which tokens the word matches (null: none).
 */
export interface ReadText {
  tokens: Token[];
  language: Language;
  letters: Set<string>;
  hits: Map<PatternWord, boolean[] | null>;
}
export const readText = (text: string, language: Language): ReadText => readTokens(tokenize(text, language), language);

/** Some of a text's tokens read as a text of their own (red-flag-history.ts); they keep their clauses and scopes. */
export function readTokens(tokens: Token[], language: Language): ReadText {
  const letters = new Set(["", ...tokens.flatMap((token) => [token.word.charAt(0), token.stem.charAt(0), ...(token.number === undefined ? [] : ["#"])])]);
  return { tokens, language, letters, hits: new Map() };
}

function matchesIn(word: PatternWord, text: ReadText): boolean[] | null {
  let hits = text.hits.get(word);
  if (hits === undefined) {
    const found = text.tokens.map((token) => wordMatches(word, token, text.language));
    hits = found.includes(true) ? found : null;
    text.hits.set(word, hits);
  }
  return hits;
}

function wordMatches(pattern: PatternWord, token: Token, language: Language): boolean {
  if ("min" in pattern) return token.number !== undefined && token.number >= pattern.min && token.number <= pattern.max;
  if ("prefixes" in pattern) {
    return pattern.prefixes.some((prefix) => {
      const length = token.word.startsWith(prefix) ? prefix.length : typoPrefixLength(token, prefix, language);
      return length !== undefined && !negatesVerb(language, token.word.slice(length));
    });
  }
  if (token.word === pattern.word) return true;
  if (token.stem === pattern.stem) return !negatesVerb(language, token.word.slice(pattern.stem.length));
  // Neither side of a typo is a negated verb: og'ri-ma-yapti is not og'riyapti, and "tərpənir" (moves) is not "tərpənmir".
  const negative = isNegativeVerb(language, token.word) || isNegativeVerb(language, pattern.word);
  return Math.min(pattern.word.length, typoLength(token, language)) >= typoMinLength && !negative && withinOneEdit(token.word, pattern.word);
}

/**
 * A cue not part of the phrase, before it (`не болит`) or after it (`og'riq yo'q`, `оорубайт`), in the same scope; a
 * cue before reaches further over a list ("no pain in arm or jaw") and English small words ("nothing going into my
 * arm"); a denying verb right after the phrase, or after the next noun of its list ("в руку и челюсть не отдаёт"),
 * denies it.
 */
function negated(used: number[], tokens: Token[], language: Language): boolean {
  const { pre } = negationCues(language);
  const last = Math.max(...used);
  const first = tokens[Math.min(...used)]!.word;
  const deniedAfter = (at: number) =>
    tokens[at]?.clause === tokens[last]!.clause && (denyingVerbAt(language, tokens, at, first) || normalTemperatureAt(tokens, at, first));
  if (deniedAfter(last + 1) || (joinsList(tokens[last + 1]?.word) && !deniedAfter(last + 2) && deniedAfter(last + 3))) return true;
  const reach = (from: number, to: number) => {
    const between = tokens.slice(from + 1, to);
    return negationWindow + 2 * between.filter((t) => joinsList(t.word)).length + (language === "en" ? between.filter((t) => isSmallWord(t.word)).length : 0);
  };
  return tokens.some((token, j) => {
    if (used.includes(j)) return false;
    const before = pre.includes(token.word) && !isAlmost(language, tokens[j - 1]?.word) && !isUnsure(language, tokens[j + 1]?.word) && used.some((u) => u > j && u <= j + reach(j, u) && tokens[u]!.scope === token.scope);
    const after = (isPostNegation(language, token.word) || deniesBefore(language, token.word)) &&
      used.some((u) => u < j && u >= j - negationWindow && tokens[u]!.scope === token.scope);
    const light = isNegatedLightVerb(language, token.word) && used.includes(j - 1) && tokens[j - 1]!.scope === token.scope;
    const painless = isPainDenied(language, tokens, j) && used.some((u) => u < j - 1 && u >= j - 1 - negationWindow && tokens[u]!.scope === token.scope);
    return before || after || light || painless;
  });
}

/**
 * A phrase's alternatives: a concept named in it is replaced by each of its entries (concepts may name concepts), so
 * "@cannot опустить голов*" reads "не могу опустить голову", "не может опустить голову", …
 */
function expand(phrase: string, language: Language, depth = 0): string[] {
  const concept = /(^|\s)@([a-z0-9_]+)/.exec(phrase);
  if (!concept) return [phrase];
  const words = lexicon[concept[2]!]?.[language];
  if (!words || depth > 3) return [];
  const before = phrase.slice(0, concept.index + concept[1]!.length);
  const after = phrase.slice(concept.index + concept[0].length);
  return words.flatMap((word) => expand(`${before}${word}${after}`, language, depth + 1));
}

/**
 * A rule phrase compiled: parts that must all occur in the text, each a list of alternative word patterns filed by
 * their first word's `keyLetters` — a text meets some 20,000 alternatives, and looks only at those filed under its
 * own letters (issue 13: this is most of what triage costs an update).
 */
export interface Compiled {
  except: boolean;
  parts: Array<Map<string, PatternWord[][]>>;
}
function byKeyLetter(alternatives: PatternWord[][]): Map<string, PatternWord[][]> {
  const filed = new Map<string, PatternWord[][]>();
  for (const pattern of alternatives) {
    if (pattern.length === 0) continue;
    for (const letter of new Set(keyLetters(pattern[0]!))) filed.set(letter, [...(filed.get(letter) ?? []), pattern]);
  }
  return filed;
}
const compiled = new Map<string, Compiled>();
export function compile(phrase: string, language: Language): Compiled {
  const key = `${language}\u0000${phrase}`;
  let result = compiled.get(key);
  if (!result) {
    const except = phrase.startsWith("-");
    const parts = (except ? phrase.slice(1) : phrase).split(/\s\+\s/).map((part) => byKeyLetter(expand(part.trim(), language).map((p) => parsePhrase(p, language))));
    result = { except, parts };
    compiled.set(key, result);
  }
  return result;
}

/** Plain loops: this runs some 20,000 times a text, and a closure made per call costs more than the test itself. */
export function occurs(c: Compiled, text: ReadText): boolean {
  for (const filed of c.parts) if (!partOccurs(filed, text)) return false;
  return true;
}
function partOccurs(filed: Map<string, PatternWord[][]>, text: ReadText): boolean {
  for (const letter of text.letters) {
    for (const pattern of filed.get(letter) ?? []) if (phraseMatches(pattern, text)) return true;
  }
  return false;
}

/** Whether the phrase occurs, not negated, in one clause of the text. */
function phraseMatches(pattern: PatternWord[], text: ReadText): boolean {
  const { tokens, language } = text;
  const hits: boolean[][] = [];
  for (const word of pattern) {
    const found = matchesIn(word, text);
    if (!found) return false; // a word the text does not have: most phrases end here
    hits.push(found);
  }
  for (let start = 0; start < tokens.length; start++) {
    const end = Math.min(tokens.length, start + pattern.length + maxGap);
    const used: number[] = [];
    const clause = tokens[start]!.clause;
    for (const found of hits) {
      let at = -1;
      for (let i = start; i < end && at < 0; i++) if (found[i] && tokens[i]!.clause === clause && !used.includes(i)) at = i;
      if (at < 0) break;
      used.push(at);
    }
    if (used.length === pattern.length && used.includes(start) && numbersInPlace(pattern, used) && negationsInPlace(pattern, used, language) && (saysNo(pattern, language) || !negated(used, tokens, language))) return true;
  }
  return false;
}

/**
 * A number keeps its place next to the words of its phrase: "{10-500} таблет*" is "30 таблеток", not "2 таблетки
 * парацетамола минут 30 назад"; "сахар* {25-60}" is a sugar of 25, not 25 minutes before the sugar was measured.
 */
const numbersInPlace = (pattern: PatternWord[], used: number[]) =>
  pattern.every((word, k) => !("min" in word) || ((k === 0 || used[k - 1]! < used[k]!) && (k === pattern.length - 1 || used[k]! < used[k + 1]!)));

/**
 * A phrase that says "no" itself ("андан бери эч нерсе болгон жок", nothing since; "heç nə olmayıb") is not denied again
 * by a "no" near it ("дары ичпейм", I take no medicine).
 */
const saysNo = (pattern: PatternWord[], language: Language) => {
  const { pre, post } = negationCues(language);
  return pattern.some((word) => "word" in word && (pre.includes(word.word) || post.includes(word.word) || isNegativeVerb(language, word.word)));
};

/**
 * A negation that is part of a phrase stands next to the word it negates: "not breathing" is not "not short of breath",
 * "nəfəsi yoxdur" (no breath) is not "nəfəs darlığı yoxdur" (no shortness of breath).
 */
const negationsInPlace = (pattern: PatternWord[], used: number[], language: Language) => {
  const { pre, post } = negationCues(language);
  return pattern.every((word, k) =>
    !("word" in word) ||
    ((k === pattern.length - 1 || !pre.includes(word.word) || used[k + 1] === used[k]! + 1) &&
      (k === 0 || !post.includes(word.word) || used[k] === used[k - 1]! + 1)));
};
