import { z } from "zod";
import type { Actor } from "../audit/audit-log";
import { AppError, notFound } from "../errors";
import { coverageRuleInputSchema, ruleMinutes, ruleView, type CoverageRuleInput, type CoverageRuleView } from "./coverage-rule";
import { HOUR_MS, MOSCOW_TIME_ZONE, addDays, moscowMidnight, startOfHour } from "./moscow-time";
import { mergedGaps, rotaGrid, type CoverageGap, type RotaRow, type RotaShift } from "./rota-grid";
import type { SpecialtyDirectory } from "../specialties/specialty-directory";
import type { RotaDoctor, RotaInterpreter, RotaRepository, ShiftKind } from "./rota-repository";
import { withShiftLimits } from "./shift-limits";

const isoDay = z.iso.date({ message: "a date as YYYY-MM-DD" });
export const shiftKindSchema = z.enum(["doctor", "interpreter"]);

export const rotaQuerySchema = z.object({ from: isoDay, days: z.coerce.number().int().min(1).max(14).default(7) });
export const gapsQuerySchema = z.object({ hours: z.coerce.number().int().min(1).max(14 * 24).default(168) });

/** A quarter of days at most: the grid is built hour by hour in memory. */
const MAX_REPORT_DAYS = 92;
export const coverageQuerySchema = z
  .object({ from: isoDay, to: isoDay })
  .refine((q) => q.from <= q.to, { message: "from must not be after to", path: ["from"] })
  .refine((q) => (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000 < MAX_REPORT_DAYS, { message: `the range may span at most ${MAX_REPORT_DAYS} days`, path: ["to"] });

const hours = z.number().int().nonnegative();
export const coverageReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  timeZone: z.string(),
  /**
   * Per rota row over the range, against today's rules: hours a rule asked for; hours a doctor of the specialty
   * speaking the language was on duty (whole hour or part of it); hours covered only by a doctor with an interpreter.
   */
  covered: z.array(z.object({ specialty: z.string(), language: z.string(), requiredHours: hours, coveredHours: hours, interpreterHours: hours })),
  /** Consultations opened in each Moscow hour of the day, and the median minutes to their first doctor's reply. */
  waitsByHour: z.array(z.object({ hour: z.number().int().min(0).max(23), consultations: hours, medianFirstReplyMinutes: z.number().nullable() })),
});
export type CoverageReport = z.infer<typeof coverageReportSchema>;

const times = { startsAt: z.coerce.date(), endsAt: z.coerce.date() };
export const newShiftSchema = z.discriminatedUnion("kind", [
  withShiftLimits(z.object({ kind: z.literal("doctor"), doctorId: z.uuid(), specialty: z.string().min(1).max(50), ...times })),
  withShiftLimits(z.object({ kind: z.literal("interpreter"), interpreterId: z.uuid(), ...times })),
]);
export const shiftMoveSchema = withShiftLimits(z.object({ kind: shiftKindSchema, ...times }));

/** The week as the rota screen shows it: instants in UTC, labelled by the screen in `timeZone`. */
export interface RotaWeek {
  from: Date;
  to: Date;
  timeZone: typeof MOSCOW_TIME_ZONE;
  shifts: RotaShift[];
  rows: RotaRow[];
}

/**
 * The rota (issue 22): who is on duty each hour, for each specialty and language, against the coverage rules; admins
 * and operators plan any doctor's or interpreter's shifts (doctors keep publishing their own in the Video screen).
 */
export class Rota {
  constructor(
    private readonly repo: RotaRepository,
    private readonly specialties: Pick<SpecialtyDirectory, "assertActive">,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** `days` Moscow calendar days from `from` (YYYY-MM-DD). */
  async week(from: string, days: number): Promise<RotaWeek> {
    const start = moscowMidnight(from);
    const end = moscowMidnight(addDays(from, days));
    const { shifts, rows } = await this.grid(start, end);
    return { from: start, to: end, timeZone: MOSCOW_TIME_ZONE, shifts, rows };
  }

  /** Uncovered stretches from the hour of `now` for `hours` hours, consecutive hours merged (what the worker tells). */
  async gaps(hours: number, now = this.clock()): Promise<CoverageGap[]> {
    const start = startOfHour(now);
    return mergedGaps((await this.grid(start, new Date(start.getTime() + hours * HOUR_MS))).rows);
  }

  private async grid(start: Date, end: Date) {
    const [shifts, rules] = await Promise.all([this.repo.shiftsOverlapping(start, end), this.repo.rules()]);
    return { shifts, rows: rotaGrid(start, (end.getTime() - start.getTime()) / HOUR_MS, shifts, rules) };
  }

  /** Coverage analytics for Moscow days `from`…`to` (both included); read by admins and operators, audited like analytics. */
  async coverage(query: z.infer<typeof coverageQuerySchema>, by: Actor): Promise<CoverageReport> {
    const start = moscowMidnight(query.from);
    const end = moscowMidnight(addDays(query.to, 1));
    const [{ rows }, waits] = await Promise.all([this.grid(start, end), this.repo.waitsByHour(start, end)]);
    await this.repo.audit(by, "coverage.read", { from: query.from, to: query.to });
    const byHour = new Map(waits.map((w) => [w.hour, w]));
    const count = (row: RotaRow, test: (hour: RotaRow["hours"][number]) => boolean) => row.hours.filter(test).length;
    return {
      from: query.from,
      to: query.to,
      timeZone: MOSCOW_TIME_ZONE,
      covered: rows.map((row) => ({
        specialty: row.specialty,
        language: row.language,
        requiredHours: count(row, (h) => h.required),
        coveredHours: count(row, (h) => h.cover === "doctor"),
        interpreterHours: count(row, (h) => h.cover === "interpreter"),
      })),
      waitsByHour: Array.from({ length: 24 }, (_, hour) => ({
        hour,
        consultations: byHour.get(hour)?.consultations ?? 0,
        medianFirstReplyMinutes: byHour.get(hour)?.median ?? null,
      })),
    };
  }

  async people(): Promise<{ doctors: RotaDoctor[]; interpreters: RotaInterpreter[] }> {
    const [doctors, interpreters] = await Promise.all([this.repo.doctors(), this.repo.interpreters()]);
    return { doctors, interpreters };
  }

  async addShift(input: z.input<typeof newShiftSchema>, by: Actor): Promise<RotaShift> {
    const shift = newShiftSchema.parse(input);
    if (shift.kind === "interpreter") {
      if (!(await this.repo.interpreter(shift.interpreterId))) throw notFound("interpreter");
      return this.repo.createShift({ kind: "interpreter", personId: shift.interpreterId, startsAt: shift.startsAt, endsAt: shift.endsAt }, by);
    }
    const doctor = await this.repo.doctor(shift.doctorId);
    if (!doctor) throw notFound("doctor");
    if (!doctor.specialties.includes(shift.specialty)) {
      throw new AppError("validation", `${doctor.name} has no specialty ${shift.specialty}`, { specialties: doctor.specialties });
    }
    return this.repo.createShift({ kind: "doctor", personId: doctor.id, specialty: shift.specialty, startsAt: shift.startsAt, endsAt: shift.endsAt }, by);
  }

  async moveShift(id: string, input: z.input<typeof shiftMoveSchema>, by: Actor): Promise<RotaShift> {
    const { kind, startsAt, endsAt } = shiftMoveSchema.parse(input);
    if (!(await this.repo.shift(kind, id))) throw notFound(`${kind} shift`);
    return this.repo.moveShift(kind, id, { startsAt, endsAt }, by);
  }

  async removeShift(kind: ShiftKind, id: string, by: Actor): Promise<void> {
    if (!(await this.repo.shift(kind, id))) throw notFound(`${kind} shift`);
    await this.repo.removeShift(kind, id, by);
  }

  // ---- coverage rules (admins write them) ----

  async rules(): Promise<CoverageRuleView[]> {
    return (await this.repo.rules()).map(ruleView);
  }

  async addRule(input: CoverageRuleInput, by: Actor): Promise<CoverageRuleView> {
    const rule = coverageRuleInputSchema.parse(input);
    await this.specialties.assertActive([rule.specialty]);
    return ruleView(await this.repo.createRule({ specialty: rule.specialty, language: rule.language, ...ruleMinutes(rule) }, by));
  }

  async removeRule(id: string, by: Actor): Promise<void> {
    if (!(await this.repo.removeRule(id, by))) throw notFound("coverage rule");
  }
}
