import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { languages, type Language } from "../i18n";
import type { Answer } from "./questionnaire";
import { deniesBefore, denyingVerbAt, isAlmost, isSmallWord, joinsList, isNegatedLightVerb, isNegativeVerb, isPainDenied, isPostNegation, isUnsure, negatesVerb, negationCues, negationWindow } from "./triage-negation";
import { shippedModel } from "./triage-model";
import { fold, markSmiles, prefixVariants, stem, tokenize, type Token } from "./triage-text";
import { typoLength, typoMinLength, typoPrefixLength, withinOneEdit } from "./triage-typos";

/**
 * A red flag as a clinician edits it: the condition, what discriminates it, where the patient must go
 * (`emergency`: 103/112 now; `urgent`: a doctor first, the same day) and the guideline it comes from.
 * `phrases[lang]` is a list of groups; the text raises the flag when every group matches one of its phrases.
 * A phrase is words close together in one clause, in any order (at most 3 other words between them); a word
 * ending in `*` matches any word that starts with it, a plain word matches its inflections (the word's stem),
 * `{38-43}` matches a number in that range. Text and phrases are compared folded the same way (no special
 * letters, Latin-typed Russian read in Cyrillic, see triage-text.ts), a long word forgives one mistyped letter, and a
 * negated phrase ("нет боли в груди", "no chest pain", "og'rimayapti") does not count. `answers` raise it from the
 * questionnaire: all conditions of one entry hold.
 *
 * Three forms let a rule say more than a keyword list (they are what made unseen wording match, see README):
 * - `@concept` stands for all the lay words of a concept in triage-lexicon.json ("@unconscious", "@child"), alone or
 *   inside a phrase ("@cannot опустить голов*"), so a synonym added once serves every rule that uses the concept;
 * - `a + b` needs both parts anywhere in the text, not only side by side (a body part × a symptom: "@one_side +
 *   @numb"), so one group can hold alternatives that are themselves combinations;
 * - a phrase starting with `-` is an exception: when it matches, the rule does not fire from the text ("-@leg_cramp"
 *   keeps a night cramp in the calf from reading as a seizure).
 */
const answerConditionSchema = z.union([z.string(), z.boolean(), z.number(), z.object({ atLeast: z.number() })]);
export const dispositions = ["emergency", "urgent"] as const;
export type Disposition = (typeof dispositions)[number];
export const redFlagRuleSchema = z.object({
  id: z.string().regex(/^[a-z0-9_]{2,60}$/),
  label: z.string().trim().min(1).max(200),
  condition: z.string().trim().max(200).default(""),
  discriminators: z.string().trim().max(1000).default(""),
  disposition: z.enum(dispositions).default("emergency"),
  guideline: z.string().trim().max(500).default(""),
  phrases: z.partialRecord(z.enum(languages), z.array(z.array(z.string().trim().min(1).max(200)).min(1)).max(10)),
  answers: z.array(z.record(z.string(), answerConditionSchema)).max(20),
});
export type RedFlagRule = z.infer<typeof redFlagRuleSchema>;
export const redFlagRulesSchema = z.array(redFlagRuleSchema).max(200);

/**
 * A rule set's version: its content's hash with the lexicon's and the emergency-wording model's (triage.ts), so the
 * same rules always have the same version wherever they run and a stored decision names everything it was made with.
 */
export const rulesVersion = (rules: RedFlagRule[]) => {
  const sorted = [...rules].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map((rule) => redFlagRuleSchema.parse(rule));
  const hash = createHash("sha256").update(JSON.stringify(sorted)).update(JSON.stringify(lexicon)).update(shippedModel().version);
  return `rf-${hash.digest("hex").slice(0, 12)}`;
};

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

/** Which tokens of a text a pattern word matches, worked out once per text and word. */
const matchesByText = new WeakMap<Token[], Map<PatternWord, boolean[] | null>>();
function matchesIn(word: PatternWord, tokens: Token[], language: Language): boolean[] | null {
  let byWord = matchesByText.get(tokens);
  if (!byWord) matchesByText.set(tokens, (byWord = new Map()));
  let hits = byWord.get(word);
  if (hits === undefined) {
    const found = tokens.map((token) => wordMatches(word, token, language));
    hits = found.includes(true) ? found : null;
    byWord.set(word, hits);
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
  const deniedAfter = (at: number) => tokens[at]?.clause === tokens[last]!.clause && denyingVerbAt(language, tokens, at, first);
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

/** A rule phrase compiled: parts that must all occur in the text, each a list of alternative word patterns. */
interface Compiled {
  except: boolean;
  parts: PatternWord[][][];
}
const compiled = new Map<string, Compiled>();
function compile(phrase: string, language: Language): Compiled {
  const key = `${language}\u0000${phrase}`;
  let result = compiled.get(key);
  if (!result) {
    const except = phrase.startsWith("-");
    const parts = (except ? phrase.slice(1) : phrase).split(/\s\+\s/).map((part) => expand(part.trim(), language).map((p) => parsePhrase(p, language)));
    result = { except, parts };
    compiled.set(key, result);
  }
  return result;
}
const compiledRules = new WeakMap<RedFlagRule, Map<Language, { all: Compiled[][]; needed: Compiled[][] }>>();
function compiledFor(rule: RedFlagRule, language: Language) {
  let byLanguage = compiledRules.get(rule);
  if (!byLanguage) compiledRules.set(rule, (byLanguage = new Map()));
  let result = byLanguage.get(language);
  if (!result) {
    const all = (rule.phrases[language] ?? []).map((group) => group.map((phrase) => compile(phrase, language)));
    result = { all, needed: all.map((group) => group.filter((c) => !c.except)).filter((group) => group.length > 0) };
    byLanguage.set(language, result);
  }
  return result;
}
const compiledRule = (rule: RedFlagRule, language: Language) => compiledFor(rule, language).all;
/** A rule's groups without its exceptions: each must match for the rule to fire. */
const neededGroups = (rule: RedFlagRule, language: Language) => compiledFor(rule, language).needed;

const occurs = (c: Compiled, tokens: Token[], language: Language) =>
  c.parts.every((alternatives) => alternatives.some((pattern) => phraseMatches(pattern, tokens, language)));

/** Whether the phrase occurs, not negated, in one clause of the text. */
function phraseMatches(pattern: PatternWord[], tokens: Token[], language: Language): boolean {
  if (pattern.length === 0) return false;
  const hits: boolean[][] = [];
  for (const word of pattern) {
    const found = matchesIn(word, tokens, language);
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
    if (used.length === pattern.length && used.includes(start) && numbersInPlace(pattern, used) && negationsInPlace(pattern, used, language) && !negated(used, tokens, language)) return true;
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

function conditionHolds(condition: z.infer<typeof answerConditionSchema>, answer: Answer["answer"] | undefined): boolean {
  if (answer === undefined) return false;
  if (typeof condition === "object") return typeof answer === "number" && answer >= condition.atLeast;
  return condition === answer;
}

/**
 * A text is read in every language, the patient's own first: patients switch language (a Kyrgyz speaker types
 * in Russian, a VK account's language is only a guess), and on our vignettes reading all six adds no false alarm.
 * They also mix in Russian words ("yuragim davit qilyapti"): a rule's groups may then match partly in the patient's
 * language and partly in Russian — not in any two readings, where a Kyrgyz "төш" (chest) is an Uzbek "тошма" (rash).
 */
const readIn = (language: Language): Language[] => [...new Set<Language>([language, ...languages])];
const mixedIn = (language: Language): Language[] => [...new Set<Language>([language, "ru"])];

/** The rules the text (in the patient's language) or the answers raise. */
export function matchingRules(rules: RedFlagRule[], input: { language: Language; texts: string[]; answers: Answer[] }): RedFlagRule[] {
  const read = readIn(input.language).map((language) => ({ language, texts: input.texts.map((text) => tokenize(text, language)) }));
  const answerOf = (id: string) => input.answers.find((a) => a.questionId === id)?.answer;
  return rules.filter((rule) => {
    const compiledIn = (language: Language) => compiledRule(rule, language);
    // An exception read in any language cancels the rule: the text is read in all six, and a Kyrgyz leg cramp
    // ("балтырым тырышып") read as Uzbek would otherwise be a convulsion without its calf.
    const excepted = (index: number) =>
      read.some(({ language, texts }) => compiledIn(language).flat().some((c) => c.except && occurs(c, texts[index]!, language)));
    const needed = (language: Language) => neededGroups(rule, language);
    const groupOccurs = (language: Language, g: number, tokens: Token[]) => needed(language)[g]?.some((c) => occurs(c, tokens, language)) ?? false;
    const byText = input.texts.some((_, index) => {
      const tokensIn = (language: Language) => read.find((r) => r.language === language)!.texts[index]!;
      const inOne = read.some(({ language }) => needed(language).length > 0 && needed(language).every((_, g) => groupOccurs(language, g, tokensIn(language))));
      const groups = needed(input.language).length;
      const mixed = groups > 0 && needed(input.language).every((_, g) => mixedIn(input.language).some((language) => groupOccurs(language, g, tokensIn(language))));
      return (inOne || mixed) && !excepted(index);
    });
    const byAnswers = rule.answers.some((entry) =>
      Object.entries(entry).every(([questionId, condition]) => conditionHolds(condition, answerOf(questionId))),
    );
    return byText || byAnswers;
  });
}

/** The ids of the rules the text or the answers raise. */
export const matchRedFlags = (...args: Parameters<typeof matchingRules>): string[] => matchingRules(...args).map((rule) => rule.id);

/** The most pressing disposition among the raised rules, if any. */
export const dispositionOf = (raised: RedFlagRule[]): Disposition | undefined =>
  raised.some((r) => r.disposition === "emergency") ? "emergency" : raised.length > 0 ? "urgent" : undefined;

export const shippedRules = (): RedFlagRule[] =>
  redFlagRulesSchema.parse(JSON.parse(readFileSync(join(import.meta.dirname, "red-flag-rules.json"), "utf8")));
