import { FIRST_DOCTOR_REPLIES } from "../analytics/analytics-repository";
import { recordAudit, type Actor } from "../audit/audit-log";
import { Prisma } from "../db/generated/client";
import type { Db } from "../db/prisma";
import { MOSCOW_TIME_ZONE } from "./moscow-time";
import type { CoverageRule } from "./coverage-rule";
import type { RotaShift } from "./rota-grid";

export type ShiftKind = RotaShift["kind"];
export interface RotaDoctor {
  id: string;
  name: string;
  specialties: string[];
  languages: string[];
}
export interface RotaInterpreter {
  id: string;
  name: string;
  languages: string[];
}
export type ShiftInput =
  | { kind: "doctor"; personId: string; specialty: string; startsAt: Date; endsAt: Date }
  | { kind: "interpreter"; personId: string; startsAt: Date; endsAt: Date };

const doctorShift = { id: true, specialty: true, startsAt: true, endsAt: true, doctor: { select: { id: true, name: true, languages: true } } } as const;
const interpreterShift = { id: true, startsAt: true, endsAt: true, interpreter: { select: { id: true, name: true, languages: true } } } as const;
type DoctorShiftRow = { id: string; specialty: string; startsAt: Date; endsAt: Date; doctor: { id: string; name: string; languages: string[] } };
type InterpreterShiftRow = { id: string; startsAt: Date; endsAt: Date; interpreter: { id: string; name: string; languages: string[] } };

const fromDoctor = (s: DoctorShiftRow): RotaShift => ({
  id: s.id, kind: "doctor", personId: s.doctor.id, name: s.doctor.name, specialty: s.specialty, languages: s.doctor.languages, startsAt: s.startsAt, endsAt: s.endsAt,
});
const fromInterpreter = (s: InterpreterShiftRow): RotaShift => ({
  id: s.id, kind: "interpreter", personId: s.interpreter.id, name: s.interpreter.name, specialty: null, languages: s.interpreter.languages, startsAt: s.startsAt, endsAt: s.endsAt,
});
/** People whose console account is disabled are not planned (doctors with an api token only have no account). */
const active = { OR: [{ staff: null }, { staff: { disabledAt: null } }] };

/** Duty shifts of doctors and interpreters, the people who may take them, and the coverage rules, in Postgres. */
export class RotaRepository {
  constructor(private readonly db: Db) {}

  async shiftsOverlapping(from: Date, to: Date): Promise<RotaShift[]> {
    const where = { startsAt: { lt: to }, endsAt: { gt: from } };
    const [doctors, interpreters] = await Promise.all([
      this.db.dutyShift.findMany({ where, select: doctorShift, orderBy: { startsAt: "asc" } }),
      this.db.interpreterShift.findMany({ where, select: interpreterShift, orderBy: { startsAt: "asc" } }),
    ]);
    return [...doctors.map(fromDoctor), ...interpreters.map(fromInterpreter)].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  }

  async shift(kind: ShiftKind, id: string): Promise<RotaShift | undefined> {
    if (kind === "doctor") {
      const row = await this.db.dutyShift.findUnique({ where: { id }, select: doctorShift });
      return row ? fromDoctor(row) : undefined;
    }
    const row = await this.db.interpreterShift.findUnique({ where: { id }, select: interpreterShift });
    return row ? fromInterpreter(row) : undefined;
  }

  /** Each change is audited in its own transaction with the row. */
  async createShift(input: ShiftInput, by: Actor): Promise<RotaShift> {
    return this.db.$transaction(async (tx) => {
      const shift =
        input.kind === "doctor"
          ? fromDoctor(await tx.dutyShift.create({ data: { doctorId: input.personId, specialty: input.specialty, startsAt: input.startsAt, endsAt: input.endsAt }, select: doctorShift }))
          : fromInterpreter(await tx.interpreterShift.create({ data: { interpreterId: input.personId, startsAt: input.startsAt, endsAt: input.endsAt }, select: interpreterShift }));
      await recordAudit(tx, { actor: by, action: "rota.shift.create", entityType: `${input.kind}_shift`, entityId: shift.id, meta: shiftMeta(shift) });
      return shift;
    });
  }

  async moveShift(kind: ShiftKind, id: string, times: { startsAt: Date; endsAt: Date }, by: Actor): Promise<RotaShift> {
    return this.db.$transaction(async (tx) => {
      const shift =
        kind === "doctor"
          ? fromDoctor(await tx.dutyShift.update({ where: { id }, data: times, select: doctorShift }))
          : fromInterpreter(await tx.interpreterShift.update({ where: { id }, data: times, select: interpreterShift }));
      await recordAudit(tx, { actor: by, action: "rota.shift.move", entityType: `${kind}_shift`, entityId: id, meta: shiftMeta(shift) });
      return shift;
    });
  }

  async removeShift(kind: ShiftKind, id: string, by: Actor): Promise<void> {
    await this.db.$transaction(async (tx) => {
      const removed = kind === "doctor" ? await tx.dutyShift.deleteMany({ where: { id } }) : await tx.interpreterShift.deleteMany({ where: { id } });
      if (removed.count) await recordAudit(tx, { actor: by, action: "rota.shift.remove", entityType: `${kind}_shift`, entityId: id });
    });
  }

  doctors(): Promise<RotaDoctor[]> {
    return this.db.doctor.findMany({ where: active, select: { id: true, name: true, specialties: true, languages: true }, orderBy: { name: "asc" } });
  }

  doctor(id: string): Promise<RotaDoctor | null> {
    return this.db.doctor.findFirst({ where: { id, ...active }, select: { id: true, name: true, specialties: true, languages: true } });
  }

  interpreters(): Promise<RotaInterpreter[]> {
    return this.db.interpreter.findMany({ where: active, select: { id: true, name: true, languages: true }, orderBy: { name: "asc" } });
  }

  interpreter(id: string): Promise<RotaInterpreter | null> {
    return this.db.interpreter.findFirst({ where: { id, ...active }, select: { id: true, name: true, languages: true } });
  }

  // ---- analytics ----

  /**
   * Consultations opened in [from, to) by Moscow hour of day, with the median minutes to their first doctor's reply
   * (those never answered count as opened, not in the median). Columns are `timestamp` holding UTC.
   */
  waitsByHour(from: Date, to: Date): Promise<Array<{ hour: number; consultations: number; median: number | null }>> {
    return this.db.$queryRaw`
      SELECT extract(hour FROM (c."createdAt" AT TIME ZONE 'UTC') AT TIME ZONE ${MOSCOW_TIME_ZONE})::int AS hour, count(*)::int AS consultations,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM r.first - c."createdAt") / 60)::float8 AS median
      FROM "Consultation" c
      LEFT JOIN ${Prisma.raw(FIRST_DOCTOR_REPLIES)} r ON r."consultationId" = c.id
      WHERE c."createdAt" >= ${from.toISOString()}::timestamp AND c."createdAt" < ${to.toISOString()}::timestamp
      GROUP BY 1`;
  }

  audit(by: Actor, action: string, meta: Record<string, unknown>): Promise<void> {
    return recordAudit(this.db, { actor: by, action, entityType: "rota", entityId: "*", meta });
  }

  // ---- the daily digest ----

  /** Takes the Moscow day's digest (YYYY-MM-DD) for this run: false when a run has taken it already. */
  async claimDigest(day: string): Promise<boolean> {
    const { count } = await this.db.coverageDigest.createMany({ data: [{ day: new Date(`${day}T00:00:00Z`) }], skipDuplicates: true });
    return count === 1;
  }

  /** Lets the day's digest go again (its send failed). */
  async releaseDigest(day: string): Promise<void> {
    await this.db.coverageDigest.deleteMany({ where: { day: new Date(`${day}T00:00:00Z`) } });
  }

  // ---- coverage rules ----

  rules(): Promise<CoverageRule[]> {
    return this.db.coverageRule.findMany({
      select: { id: true, specialty: true, language: true, fromMinute: true, toMinute: true },
      orderBy: [{ specialty: "asc" }, { language: "asc" }, { fromMinute: "asc" }],
    });
  }

  async createRule(rule: Omit<CoverageRule, "id">, by: Actor): Promise<CoverageRule> {
    return this.db.$transaction(async (tx) => {
      const row = await tx.coverageRule.create({ data: rule, select: { id: true, specialty: true, language: true, fromMinute: true, toMinute: true } });
      await recordAudit(tx, { actor: by, action: "coverage_rule.create", entityType: "coverage_rule", entityId: row.id, meta: rule });
      return row;
    });
  }

  /** False when there was no such rule. */
  async removeRule(id: string, by: Actor): Promise<boolean> {
    return this.db.$transaction(async (tx) => {
      const row = await tx.coverageRule.findUnique({ where: { id } });
      if (!row) return false;
      await tx.coverageRule.delete({ where: { id } });
      const { specialty, language, fromMinute, toMinute } = row;
      await recordAudit(tx, { actor: by, action: "coverage_rule.remove", entityType: "coverage_rule", entityId: id, meta: { specialty, language, fromMinute, toMinute } });
      return true;
    });
  }
}

const shiftMeta = (s: RotaShift) => ({ personId: s.personId, specialty: s.specialty, startsAt: s.startsAt.toISOString(), endsAt: s.endsAt.toISOString() });
