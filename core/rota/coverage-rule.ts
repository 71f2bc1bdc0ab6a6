import { z } from "zod";
import { languages } from "../i18n";
import { specialtyCodeSchema } from "../specialties/specialty";

/** "HH:MM" of a Moscow day; "24:00" is the day's end (a rule's `to` only). */
const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, { message: "a time as HH:MM (00:00–24:00)" });
const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3));
const clockOf = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;

export const coverageRuleInputSchema = z
  .object({ specialty: specialtyCodeSchema, language: z.enum(languages), from: clockTime, to: clockTime })
  .refine((r) => r.from !== "24:00", { message: "a rule starts at 23:59 at the latest", path: ["from"] })
  .refine((r) => r.from !== r.to && !(r.from === "00:00" && r.to === "00:00"), { message: "from and to must differ (00:00–24:00 is the whole day)", path: ["to"] });
export type CoverageRuleInput = z.infer<typeof coverageRuleInputSchema>;

export const coverageRuleSchema = z.object({ id: z.string(), specialty: z.string(), language: z.string(), from: z.string(), to: z.string() });
export type CoverageRuleView = z.infer<typeof coverageRuleSchema>;

/** A rule as stored: minutes from Moscow midnight, `fromMinute` > `toMinute` crossing midnight. */
export interface CoverageRule {
  id: string;
  specialty: string;
  language: string;
  fromMinute: number;
  toMinute: number;
}

export const ruleMinutes = (input: CoverageRuleInput) => ({ fromMinute: minutesOf(input.from), toMinute: minutesOf(input.to) });
export const ruleView = (rule: CoverageRule): CoverageRuleView => ({
  id: rule.id,
  specialty: rule.specialty,
  language: rule.language,
  from: clockOf(rule.fromMinute),
  to: clockOf(rule.toMinute),
});

/** The rule's stretches within one day: one, or two when it crosses midnight (22:00–06:00 is 00:00–06:00 and 22:00–24:00). */
const stretches = (rule: Pick<CoverageRule, "fromMinute" | "toMinute">): Array<[number, number]> =>
  rule.fromMinute < rule.toMinute ? [[rule.fromMinute, rule.toMinute]] : [[0, rule.toMinute], [rule.fromMinute, 1440]];

/** Whether the rule asks for any part of the Moscow hour that starts `minuteOfDay` minutes after midnight. */
export function ruleAsksFor(rule: Pick<CoverageRule, "fromMinute" | "toMinute">, minuteOfDay: number): boolean {
  return stretches(rule).some(([from, to]) => from < minuteOfDay + 60 && minuteOfDay < to);
}
