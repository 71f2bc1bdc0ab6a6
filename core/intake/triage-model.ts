import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import type { Language } from "../i18n";
import { fold, stem } from "./triage-text";

/**
 * The second net under the red-flag rules: a logistic regression over the word stems of the text and pairs of
 * neighbouring stems, trained on our vignettes by `npm run triage:train` (triage-model-training.ts). Rules need the
 * exact lay word a patient chooses; the model weighs every word it has seen in an emergency or a routine complaint
 * together, so an emergency told in words no rule lists still adds up. Pieces of letters (3–5-letter n-grams) were
 * tried first: they caught less of the held-out emergencies and raised false alarms on plain complaints ("sharp pain
 * in the lower back since yesterday") from style, not meaning (README, "Triage: the text model"). It only adds an
 * emergency, never removes one.
 */
export const modelDimensions = 1 << 20;
/** Shorter texts are left to the rules: "yes", "hello" or a name carry too little for the model to weigh. */
const minWords = 3;
const wordsOf = (text: string, language: Language) => fold(text.toLowerCase(), language).match(/[\p{L}\p{N}]+/gu) ?? [];

/** FNV-1a: a feature's slot in the weight vector (collisions among a million slots cost nothing measurable). */
function slot(feature: string): number {
  let hash = 2166136261;
  for (let i = 0; i < feature.length; i++) hash = Math.imul(hash ^ feature.charCodeAt(i), 16777619);
  return (hash >>> 0) % modelDimensions;
}

/**
 * The slots a text lights up, each once. No feature names the language: an account's language is sometimes a guess
 * (VK) and patients mix Russian in, so a word weighs the same whichever language it was typed under.
 */
export const features = (text: string, language: Language): number[] => slotsOf(wordsOf(text, language), language);

function slotsOf(words: string[], language: Language): number[] {
  const stems = words.map((word) => stem(word, language));
  const out = new Set<number>();
  for (const [i, wordStem] of stems.entries()) {
    out.add(slot(`w${wordStem}`));
    if (i + 1 < stems.length) out.add(slot(`b${wordStem} ${stems[i + 1]}`));
  }
  return [...out];
}

const textModelSchema = z.object({
  /** The sha256 of the vignettes it was trained on (triage-model-training.ts), so a stale model is caught by a test. */
  trainedOn: z.string(),
  threshold: z.number().min(0).max(1),
  bias: z.number(),
  /** Slot → weight, only the weights that matter (see `prune` in training). */
  weights: z.record(z.string().regex(/^\d+$/), z.number()),
});
export type TextModel = z.infer<typeof textModelSchema>;

export const shippedModelText = () => readFileSync(join(import.meta.dirname, "triage-model.json"), "utf8");

/** The model's version: part of every red-flag rule set's version, so each triage decision names the model it used. */
export const modelVersion = (modelText: string) => `tm-${createHash("sha256").update(modelText).digest("hex").slice(0, 12)}`;

/** The model in triage-model.json, read once per process. */
let shipped: EmergencyWordingModel | undefined;
export const shippedModel = () => (shipped ??= new EmergencyWordingModel());

export class EmergencyWordingModel {
  private readonly weights: Map<number, number>;
  readonly version: string;
  readonly trainedOn: string;
  private readonly threshold: number;
  private readonly bias: number;

  constructor(modelText: string = shippedModelText()) {
    const model = textModelSchema.parse(JSON.parse(modelText));
    this.weights = new Map(Object.entries(model.weights).map(([s, w]) => [Number(s), w]));
    this.version = modelVersion(modelText);
    this.trainedOn = model.trainedOn;
    this.threshold = model.threshold;
    this.bias = model.bias;
  }

  isEmergency(text: string, language: Language): boolean {
    const words = wordsOf(text, language);
    return words.length >= minWords && this.probability(words, language) >= this.threshold;
  }

  private probability(words: string[], language: Language): number {
    let z = this.bias;
    for (const s of slotsOf(words, language)) z += this.weights.get(s) ?? 0;
    return 1 / (1 + Math.exp(-z));
  }
}
