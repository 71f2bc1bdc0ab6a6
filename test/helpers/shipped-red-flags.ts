import type { Language } from "../../core/i18n";
import { dispositionOf, matchingRules, matchRedFlags, shippedRules } from "../../core/intake/red-flags";

/** The shipped red-flag rules reading one text alone, as the red-flag tests ask them: the ids raised, and where they send the patient. */
const rules = shippedRules();
const alone = (language: Language, text: string) => ({ language, texts: [text], answers: [] });
export const raisedIds = (language: Language, text: string) => matchRedFlags(rules, alone(language, text));
export const disposition = (language: Language, text: string) => dispositionOf(matchingRules(rules, alone(language, text)));
