import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { languages, type Language } from "../i18n";
import { dispositionOf, type RedFlagRule } from "./red-flags";
import { raisedFlags } from "./triage";

/**
 * Our own vignettes (vignettes/<lang>.json): emergencies that must get 103/112 and routine complaints that must not,
 * in parts named for how they were used: `tune` was tuned on from the start, `tune-2`, `tune-3`, … were written to
 * tune on and each committed and run once before the changes they prompted; `heldout`, `blind-3`, `blind-4`, … were
 * each written without looking at the rules and run once blind before anything was changed for them (README,
 * "Triage: red flags", keeps each part's first-run figure).
 */
const vignette = z.tuple([z.string(), z.string().min(1)]);
const split = z.record(z.string().regex(/^[a-z0-9-]+$/), z.array(vignette));
const vignetteFileSchema = z.object({ emergency: split, routine: split });

export type Part = string;
export interface Miss {
  language: Language;
  part: Part;
  expected: "emergency" | "routine";
  condition: string;
  text: string;
  /** The emergency rules that fired (a false alarm's cause). */
  raised: string[];
}
export interface Score {
  emergencies: number;
  caught: number;
  routine: number;
  falseAlarms: number;
}

/**
 * The blind parts kept as the honest figure: written without looking at the rules, never tuned on and never trained on
 * (triage-model-training.ts), held only to what they measured on their first run (README), so the build stays green
 * while `npm run triage:eval` shows the truth. [caught, emergencies, false alarms, routine] per language.
 */
export const untouchedParts: Record<Part, Partial<Record<Language, [number, number, number, number]>>> = {
  // Written blind by two writers per language and run once (2026-12-02, README): the held-out test of issue 14.
  "blind-36": { ru: [36, 36, 3, 80], en: [36, 36, 4, 80], uz: [36, 36, 3, 80], tg: [36, 36, 3, 80], ky: [36, 36, 3, 80], az: [36, 36, 4, 80] },
  // This one measures the model on everyday chat, so its figures are the shipped model's, set at each retrain (README).
  "chatter-blind": { ru: [0, 0, 0, 25], en: [0, 0, 0, 25], uz: [0, 0, 0, 25], tg: [0, 0, 0, 25], ky: [0, 0, 0, 25], az: [0, 0, 0, 25] },
};

export const sensitivity = (s: Score) => (s.emergencies ? s.caught / s.emergencies : 1);
export const falseAlarmRate = (s: Score) => (s.routine ? s.falseAlarms / s.routine : 0);

export function loadVignettes(language: Language) {
  return vignetteFileSchema.parse(JSON.parse(readFileSync(join(import.meta.dirname, "vignettes", `${language}.json`), "utf8")));
}

/** The parts in the order they were written (the order of the files' keys). */
export const partsOf = (files: Array<ReturnType<typeof loadVignettes>>): Part[] => [
  ...new Set(files.flatMap((file) => [...Object.keys(file.emergency), ...Object.keys(file.routine)])),
];

/**
 * A vignette counts as sent to 103/112 when an `emergency` rule fires on its text alone (no questionnaire answers), or
 * the emergency-wording model does (triage.ts), as in the dialogue.
 */
export function evaluate(rules: RedFlagRule[]) {
  const scores = new Map<string, Score>();
  const misses: Miss[] = [];
  const add = (key: string, change: Partial<Score>) => {
    const s = scores.get(key) ?? { emergencies: 0, caught: 0, routine: 0, falseAlarms: 0 };
    for (const [k, v] of Object.entries(change) as Array<[keyof Score, number]>) s[k] += v;
    scores.set(key, s);
  };
  for (const language of languages) {
    const file = loadVignettes(language);
    for (const part of partsOf([file])) {
      for (const expected of ["emergency", "routine"] as const) {
        for (const [condition, text] of file[expected][part] ?? []) {
          const raised = raisedFlags(rules, { language, texts: [text], answers: [] });
          const alarm = dispositionOf(raised) === "emergency";
          const keys = [`${language}/${part}`, `${language}/all`, `all/${part}`, "all/all"];
          for (const key of keys) add(key, expected === "emergency" ? { emergencies: 1, caught: alarm ? 1 : 0 } : { routine: 1, falseAlarms: alarm ? 1 : 0 });
          if (alarm !== (expected === "emergency")) misses.push({ language, part, expected, condition, text, raised: raised.filter((r) => r.disposition === "emergency").map((r) => r.id) });
        }
      }
    }
  }
  return { scores, misses };
}
