import type { Db } from "../db/prisma";

/** Interpreters of `language` with a shift covering `at` (a Prisma `where`, shared with the call's invitation). */
export const interpreterOnDutyWhere = (language: string, at: Date) => ({
  languages: { has: language },
  shifts: { some: { startsAt: { lte: at }, endsAt: { gt: at } } },
});

/** Who is on duty at a moment, and when cover starts next, from the doctors' and interpreters' shifts in Postgres. */
export class DutyNowRepository {
  constructor(private readonly db: Db) {}

  async doctorOnDuty(specialty: string, language: string, at: Date): Promise<boolean> {
    const shift = await this.db.dutyShift.findFirst({
      where: { specialty, startsAt: { lte: at }, endsAt: { gt: at }, doctor: { languages: { has: language } } },
      select: { id: true },
    });
    return shift !== null;
  }

  async interpreterOnDuty(language: string, at: Date): Promise<boolean> {
    return (await this.db.interpreter.findFirst({ where: interpreterOnDutyWhere(language, at), select: { id: true } })) !== null;
  }

  /** Whether any doctor of `specialty` has a shift overlapping [from, to), in any language. */
  async anyShift(specialty: string, from: Date, to: Date): Promise<boolean> {
    return (await this.db.dutyShift.findFirst({ where: { specialty, startsAt: { lt: to }, endsAt: { gt: from } }, select: { id: true } })) !== null;
  }

  /** The start of the first shift in (after, before) of a doctor of `specialty` who speaks `language`. */
  async nextShiftStart(specialty: string, language: string, after: Date, before: Date): Promise<Date | undefined> {
    const shift = await this.db.dutyShift.findFirst({
      where: { specialty, startsAt: { gt: after, lt: before }, doctor: { languages: { has: language } } },
      orderBy: { startsAt: "asc" },
      select: { startsAt: true },
    });
    return shift?.startsAt;
  }
}
