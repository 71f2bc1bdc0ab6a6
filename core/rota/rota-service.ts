import { z } from "zod";
import type { Actor } from "../audit/audit-log";
import { AppError, notFound } from "../errors";
import { withShiftLimits } from "../video/duty-shifts";
import { coverageRuleInputSchema, ruleMinutes, ruleView, type CoverageRuleInput, type CoverageRuleView } from "./coverage-rule";
import { HOUR_MS, MOSCOW_TIME_ZONE, addDays, moscowMidnight, startOfHour } from "./moscow-time";
import { mergedGaps, rotaGrid, type CoverageGap, type RotaRow, type RotaShift } from "./rota-grid";
import type { SpecialtyDirectory } from "../specialties/specialty-directory";
import type { RotaDoctor, RotaInterpreter, RotaRepository, ShiftKind } from "./rota-repository";

const isoDay = z.iso.date({ message: "a date as YYYY-MM-DD" });
export const shiftKindSchema = z.enum(["doctor", "interpreter"]);

export const rotaQuerySchema = z.object({ from: isoDay, days: z.coerce.number().int().min(1).max(14).default(7) });
export const gapsQuerySchema = z.object({ hours: z.coerce.number().int().min(1).max(14 * 24).default(168) });

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

  /** Uncovered stretches from the current hour for `hours` hours, consecutive hours merged (what the worker tells). */
  async gaps(hours: number): Promise<CoverageGap[]> {
    const start = startOfHour(this.clock());
    return mergedGaps((await this.grid(start, new Date(start.getTime() + hours * HOUR_MS))).rows);
  }

  private async grid(start: Date, end: Date) {
    const [shifts, rules] = await Promise.all([this.repo.shiftsOverlapping(start, end), this.repo.rules()]);
    return { shifts, rows: rotaGrid(start, (end.getTime() - start.getTime()) / HOUR_MS, shifts, rules) };
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
