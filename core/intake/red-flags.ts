import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { languages, type Language } from "../i18n";
import type { Answer } from "./questionnaire";
import { historyOf } from "./red-flag-history";
import { compile, lexicon, occurs, readText, type Compiled, type ReadText } from "./red-flag-phrases";
import { shippedModel } from "./triage-model";

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

/** A rule in one language: `needed`, its groups without the exceptions (each must match for the rule to fire); `exceptions`. */
interface CompiledRule {
  needed: Compiled[][];
  exceptions: Compiled[];
}
const compiledRules = new WeakMap<RedFlagRule, Map<Language, CompiledRule>>();
function compiledFor(rule: RedFlagRule, language: Language) {
  let byLanguage = compiledRules.get(rule);
  if (!byLanguage) compiledRules.set(rule, (byLanguage = new Map()));
  let result = byLanguage.get(language);
  if (!result) {
    const all = (rule.phrases[language] ?? []).map((group) => group.map((phrase) => compile(phrase, language)));
    result = { needed: all.map((group) => group.filter((c) => !c.except)).filter((group) => group.length > 0), exceptions: all.flat().filter((c) => c.except) };
    byLanguage.set(language, result);
  }
  return result;
}

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

/**
 * The rules the text (in the patient's language) or the answers raise; in a text that tells a past event as over ("a
 * stroke 2 years ago, fully recovered") or asks ahead ("what do we do if he has a fit? asking beforehand"), a rule the
 * rest of the text does not raise by itself is set aside (red-flag-history.ts).
 */
export function matchingRules(rules: RedFlagRule[], input: { language: Language; texts: string[]; answers: Answer[] }): RedFlagRule[] {
  const texts = input.texts.map((text) => {
    const readings = readIn(input.language).map((language) => readText(text, language));
    return { readings, history: historyOf(readings) };
  });
  const raisedNow = (rule: RedFlagRule, { readings, history }: (typeof texts)[number]) =>
    raisedByText(rule, input.language, readings) &&
    !(history && !raisedByText(rule, input.language, history.rest));
  return rules.filter((rule) => texts.some((text) => raisedNow(rule, text)) || raisedByAnswers(rule, input.answers));
}

/** Whether one text raises the rule (`readings`: the text read in each language, the patient's own first). */
function raisedByText(rule: RedFlagRule, patient: Language, readings: ReadText[]): boolean {
  const neededIn = (reading: ReadText) => compiledFor(rule, reading.language).needed;
  const inOne = readings.some((reading) => neededIn(reading).length > 0 && neededIn(reading).every((group) => groupOccurs(group, reading)));
  // The patient's language and Russian mixed: each group, by its place in the rule, in one of them.
  const mixed = readings.filter((reading) => mixedIn(patient).includes(reading.language));
  const groups = compiledFor(rule, patient).needed;
  const fires = inOne || (groups.length > 0 && groups.every((_, g) => mixed.some((reading) => groupOccurs(neededIn(reading)[g], reading))));
  // An exception read in any language cancels the rule: the text is read in all six, and a Kyrgyz leg cramp
  // ("балтырым тырышып") read as Uzbek would otherwise be a convulsion without its calf.
  return fires && !readings.some((reading) => compiledFor(rule, reading.language).exceptions.some((c) => occurs(c, reading)));
}

function groupOccurs(group: Compiled[] | undefined, reading: ReadText): boolean {
  for (const c of group ?? []) if (occurs(c, reading)) return true;
  return false;
}

const raisedByAnswers = (rule: RedFlagRule, answers: Answer[]) =>
  rule.answers.some((entry) =>
    Object.entries(entry).every(([questionId, condition]) => conditionHolds(condition, answers.find((a) => a.questionId === questionId)?.answer)),
  );

/** The ids of the rules the text or the answers raise. */
export const matchRedFlags = (...args: Parameters<typeof matchingRules>): string[] => matchingRules(...args).map((rule) => rule.id);

/** The most pressing disposition among the raised rules, if any. */
export const dispositionOf = (raised: RedFlagRule[]): Disposition | undefined =>
  raised.some((r) => r.disposition === "emergency") ? "emergency" : raised.length > 0 ? "urgent" : undefined;

export const shippedRules = (): RedFlagRule[] =>
  redFlagRulesSchema.parse(JSON.parse(readFileSync(join(import.meta.dirname, "red-flag-rules.json"), "utf8")));
