import type { Language } from "../i18n";
import type { Answer } from "./questionnaire";
import { dispositionOf, matchingRules, type RedFlagRule } from "./red-flags";
import { shippedModel } from "./triage-model";

/**
 * Stands in the list of raised flags when the emergency-wording model alone sent the patient to 103/112: not a rule of
 * the clinic's editable list, but named and described the same way, so the console and the audit show why.
 */
export const wordingModelFlag: RedFlagRule = {
  id: "emergency_wording_model",
  label: "Emergency wording (text model, no rule matched)",
  condition: "Any emergency of the rule list, worded in a way no rule phrase covers",
  discriminators: "A logistic regression over word pieces and stems of the text, trained on our emergency and routine vignettes in six languages (core/intake/triage-model.ts)",
  disposition: "emergency",
  guideline: "Second net under the rules; over-triage accepted as in telephone triage (Manchester Triage System, NHS 111); README, \"Triage: the text model\"",
  phrases: {},
  answers: [],
};

/**
 * What triage raises from a patient's texts and answers: the clinic's rules, and, when none of them sends the patient
 * to 103/112, the emergency-wording model as a second net. The model only ever adds the emergency, never removes one.
 */
export function raisedFlags(rules: RedFlagRule[], input: { language: Language; texts: string[]; answers: Answer[] }): RedFlagRule[] {
  const raised = matchingRules(rules, input);
  if (dispositionOf(raised) === "emergency") return raised;
  return input.texts.some((text) => shippedModel().isEmergency(text, input.language)) ? [...raised, wordingModelFlag] : raised;
}
