import { recordAudit, type Actor } from "../audit/audit-log";
import type { Db } from "../db/prisma";
import type { Specialty } from "./specialty";

export class SpecialtyRepository {
  constructor(private readonly db: Db) {}

  async list(): Promise<Specialty[]> {
    const rows = await this.db.specialty.findMany({ orderBy: { code: "asc" } });
    return rows.map(({ updatedAt: _, ...row }) => row);
  }

  /** Creates or replaces the specialty, audited in the same transaction. */
  async save(specialty: Specialty, by: Actor): Promise<Specialty> {
    const { code, ...data } = specialty;
    const { updatedAt: _, ...row } = await this.db.$transaction(async (tx) => {
      const saved = await tx.specialty.upsert({ where: { code }, create: specialty, update: data });
      await recordAudit(tx, { actor: by, action: "specialty.save", entityType: "specialty", entityId: code, meta: data });
      return saved;
    });
    return row;
  }

  /** Of these codes, the active specialties. */
  async active(codes: string[]): Promise<string[]> {
    const rows = await this.db.specialty.findMany({ where: { code: { in: codes }, active: true }, select: { code: true } });
    return rows.map((row) => row.code);
  }

  /** Minutes to escalation of the specialties where an admin set their own. */
  async escalationLimits(): Promise<Record<string, number>> {
    const rows = await this.db.specialty.findMany({ where: { escalateAfterMinutes: { not: null } }, select: { code: true, escalateAfterMinutes: true } });
    return Object.fromEntries(rows.map((row) => [row.code, row.escalateAfterMinutes!]));
  }
}
