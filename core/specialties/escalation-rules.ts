import { z } from "zod";

/** `gp:60,dermatology:240,*:120`: minutes a new consultation may wait for a doctor before operators are told. */
export const escalationRulesSchema = z
  .string()
  .trim()
  .regex(/^([a-z0-9_*-]+:\d+)(,[a-z0-9_*-]+:\d+)*$/, "must be specialty:minutes pairs, e.g. gp:60,*:120")
  .transform((text) => {
    const rules = Object.fromEntries(text.split(",").map((pair) => pair.split(":")).map(([s, m]) => [s!, Number(m)]));
    return { bySpecialty: rules, fallback: rules["*"] ?? 120 };
  });
export type EscalationRules = z.output<typeof escalationRulesSchema>;

export const waitLimitMinutes = (rules: EscalationRules, specialty: string) => rules.bySpecialty[specialty] ?? rules.fallback;
