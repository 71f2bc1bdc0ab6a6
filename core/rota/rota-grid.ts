import { z } from "zod";
import { languages } from "../i18n";
import { ruleAsksFor, type CoverageRule } from "./coverage-rule";
import { HOUR_MS, moscowMinuteOfDay } from "./moscow-time";

/** A doctor's or an interpreter's hours on duty, as the rota shows them. */
export const rotaShiftSchema = z.object({
  id: z.string(),
  kind: z.enum(["doctor", "interpreter"]),
  personId: z.string(),
  name: z.string(),
  /** Null for interpreters. */
  specialty: z.string().nullable(),
  languages: z.array(z.string()),
  startsAt: z.date(),
  endsAt: z.date(),
});
export type RotaShift = z.infer<typeof rotaShiftSchema>;

export const coverSchema = z.enum(["doctor", "interpreter", "none"]);
export const rotaHourSchema = z.object({
  at: z.date(),
  /** Doctors of the row's specialty speaking its language on duty for the whole hour or part of it. */
  doctors: z.number().int(),
  /** Interpreters of the row's language on duty. */
  interpreters: z.number().int(),
  /** "interpreter": no doctor in the language, but a doctor of the specialty and an interpreter of the language. */
  cover: coverSchema,
  /** A coverage rule asks for (part of) this hour. */
  required: z.boolean(),
  gap: z.boolean(),
});
export type RotaHour = z.infer<typeof rotaHourSchema>;
export const rotaRowSchema = z.object({ specialty: z.string(), language: z.string(), hours: z.array(rotaHourSchema) });
export type RotaRow = z.infer<typeof rotaRowSchema>;

/** The specialties the promise is about ("a GP or paediatrician in their language"): always shown, ruled or not. */
export const PLANNED_SPECIALTIES = ["gp", "pediatrics"] as const;

/** Every (specialty, language) that has a rule, plus gp and pediatrics × every language, in a stable order. */
export function rotaRows(rules: Array<Pick<CoverageRule, "specialty" | "language">>): Array<{ specialty: string; language: string }> {
  const keys = new Set<string>();
  for (const specialty of PLANNED_SPECIALTIES) for (const language of languages) keys.add(`${specialty}/${language}`);
  for (const rule of rules) keys.add(`${rule.specialty}/${rule.language}`);
  const order = (language: string) => (languages as readonly string[]).indexOf(language);
  return [...keys]
    .map((key) => {
      const [specialty, language] = key.split("/") as [string, string];
      return { specialty, language };
    })
    .sort((a, b) => a.specialty.localeCompare(b.specialty) || order(a.language) - order(b.language) || a.language.localeCompare(b.language));
}

/**
 * The grid hour by hour from `from` (a Moscow hour) for `hours` hours: who is on duty for each row, whether a rule
 * asks for the hour, and the gaps (asked for, and no doctor in the language).
 */
export function rotaGrid(from: Date, hours: number, shifts: RotaShift[], rules: CoverageRule[]): RotaRow[] {
  const starts = Array.from({ length: hours }, (_, i) => new Date(from.getTime() + i * HOUR_MS));
  const during = (at: Date) => shifts.filter((s) => s.startsAt.getTime() < at.getTime() + HOUR_MS && s.endsAt > at);
  const onDuty = starts.map(during);
  return rotaRows(rules).map(({ specialty, language }) => {
    const own = rules.filter((r) => r.specialty === specialty && r.language === language);
    return {
      specialty,
      language,
      hours: starts.map((at, i): RotaHour => {
        const people = onDuty[i]!;
        const ofSpecialty = people.filter((s) => s.kind === "doctor" && s.specialty === specialty);
        const doctors = new Set(ofSpecialty.filter((s) => s.languages.includes(language)).map((s) => s.personId)).size;
        const interpreters = new Set(people.filter((s) => s.kind === "interpreter" && s.languages.includes(language)).map((s) => s.personId)).size;
        const cover = doctors ? "doctor" : ofSpecialty.length && interpreters ? "interpreter" : "none";
        const required = own.some((rule) => ruleAsksFor(rule, moscowMinuteOfDay(at)));
        return { at, doctors, interpreters, cover, required, gap: required && cover !== "doctor" };
      }),
    };
  });
}

export const coverageGapSchema = z.object({ specialty: z.string(), language: z.string(), from: z.date(), to: z.date() });
export type CoverageGap = z.infer<typeof coverageGapSchema>;

/** Consecutive gap hours of a row as one gap, by start. */
export function mergedGaps(rows: RotaRow[]): CoverageGap[] {
  const gaps: CoverageGap[] = [];
  for (const row of rows) {
    let open: CoverageGap | undefined;
    for (const hour of row.hours) {
      if (!hour.gap) {
        open = undefined;
        continue;
      }
      const end = new Date(hour.at.getTime() + HOUR_MS);
      if (open) open.to = end;
      else gaps.push((open = { specialty: row.specialty, language: row.language, from: hour.at, to: end }));
    }
  }
  return gaps.sort((a, b) => a.from.getTime() - b.from.getTime() || a.specialty.localeCompare(b.specialty) || a.language.localeCompare(b.language));
}
