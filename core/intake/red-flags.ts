import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { recordAudit } from "../audit/audit-log";
import type { Db } from "../db/prisma";
import { languages, type Language } from "../i18n";
import type { Answer } from "./questionnaire";

/**
 * A red flag as a clinician edits it. `phrases[lang]` is a list of groups; the text raises the flag when every
 * group matches one of its phrases. A phrase is words in order (each at most 3 words after the previous one,
 * so "боль в груди" matches "бол* груд*"); a word ending in `*` matches any word that starts with it — enough
 * for Russian, Turkic and Tajik endings without matching inside other words as a substring search would.
 * `answers` raise it from the questionnaire: all conditions of one entry hold (`{ atLeast: n }` for numbers).
 */
const answerConditionSchema = z.union([z.string(), z.boolean(), z.number(), z.object({ atLeast: z.number() })]);
export const redFlagRuleSchema = z.object({
  id: z.string().regex(/^[a-z0-9_]{2,60}$/),
  label: z.string().trim().min(1).max(200),
  phrases: z.partialRecord(z.enum(languages), z.array(z.array(z.string().trim().min(1).max(200)).min(1)).max(10)),
  answers: z.array(z.record(z.string(), answerConditionSchema)).max(20),
});
export type RedFlagRule = z.infer<typeof redFlagRuleSchema>;
export const redFlagRulesSchema = z.array(redFlagRuleSchema).max(200);

const maxGap = 3;

/** Words of a text in lower case: letters (any script), digits and the apostrophes of Uzbek Latin. */
export function words(text: string): string[] {
  return text.toLowerCase().replace(/ё/g, "е").match(/[\p{L}\p{N}'‘’ʻʼ]+/gu) ?? [];
}

const wordMatches = (pattern: string, word: string) =>
  pattern.endsWith("*") ? word.startsWith(pattern.slice(0, -1)) : word === pattern;

function phraseMatches(phrase: string, text: string[]): boolean {
  const pattern = words(phrase.replace(/\*/g, "STAR")).map((w) => w.replace(/star$/, "*"));
  if (pattern.length === 0) return false;
  const matchFrom = (p: number, from: number, until: number): boolean => {
    if (p === pattern.length) return true;
    for (let i = from; i < Math.min(until, text.length); i++) {
      if (wordMatches(pattern[p]!, text[i]!) && matchFrom(p + 1, i + 1, i + 1 + maxGap + 1)) return true;
    }
    return false;
  };
  return matchFrom(0, 0, text.length);
}

function conditionHolds(condition: z.infer<typeof answerConditionSchema>, answer: Answer["answer"] | undefined): boolean {
  if (answer === undefined) return false;
  if (typeof condition === "object") return typeof answer === "number" && answer >= condition.atLeast;
  return condition === answer;
}

/** The ids of the rules the text (in the patient's language) or the answers raise. */
export function matchRedFlags(rules: RedFlagRule[], input: { language: Language; texts: string[]; answers: Answer[] }): string[] {
  const text = input.texts.map(words);
  const answerOf = (id: string) => input.answers.find((a) => a.questionId === id)?.answer;
  return rules
    .filter((rule) => {
      const groups = rule.phrases[input.language] ?? [];
      const byText = groups.length > 0 && text.some((t) => groups.every((group) => group.some((phrase) => phraseMatches(phrase, t))));
      const byAnswers = rule.answers.some((entry) =>
        Object.entries(entry).every(([questionId, condition]) => conditionHolds(condition, answerOf(questionId))),
      );
      return byText || byAnswers;
    })
    .map((rule) => rule.id);
}

export const shippedRules = (): RedFlagRule[] =>
  redFlagRulesSchema.parse(JSON.parse(readFileSync(join(import.meta.dirname, "red-flag-rules.json"), "utf8")));

/** The clinic's list in Postgres, seeded from red-flag-rules.json the first time it is read. */
export class RedFlagRules {
  constructor(private readonly db: Db) {}

  async list(): Promise<RedFlagRule[]> {
    const rows = await this.db.redFlagRule.findMany({ orderBy: { id: "asc" } });
    if (rows.length === 0) {
      const seed = shippedRules();
      await this.db.redFlagRule.createMany({ data: seed.map(toRow), skipDuplicates: true });
      return seed;
    }
    return rows.map((row) => redFlagRuleSchema.parse(row));
  }

  /** Replaces the whole list (what the admin sees is what is matched), audited with the ids before and after. */
  async replace(staffId: string, rules: RedFlagRule[]): Promise<RedFlagRule[]> {
    await this.db.$transaction(async (tx) => {
      const before = await tx.redFlagRule.findMany({ select: { id: true } });
      await tx.redFlagRule.deleteMany({});
      await tx.redFlagRule.createMany({ data: rules.map(toRow) });
      await recordAudit(tx, {
        actor: { type: "staff", id: staffId },
        action: "red_flags.replace",
        entityType: "red_flag_rule",
        entityId: "*",
        meta: { before: before.map((r) => r.id), after: rules.map((r) => r.id) },
      });
    });
    return this.list();
  }
}

const toRow = (rule: RedFlagRule) => ({ id: rule.id, label: rule.label, phrases: rule.phrases, answers: rule.answers });
