import { z } from "zod";
import { recordAudit, type Actor } from "../audit/audit-log";
import type { Db } from "../db/prisma";
import { AppError } from "../errors";
import type { EscalationRules } from "../consultations/escalation";

export const specialtyCodeSchema = z.string().regex(/^[a-z][a-z0-9_]{1,39}$/, "2-40 characters of a-z, 0-9 and _, e.g. dermatology");

export const specialtyInputSchema = z.object({
  nameRu: z.string().trim().min(2).max(100),
  nameEn: z.string().trim().min(2).max(100),
  escalateAfterMinutes: z.number().int().min(1).max(7 * 24 * 60).nullable().default(null),
  active: z.boolean().default(true),
});

export interface Specialty extends z.output<typeof specialtyInputSchema> {
  code: string;
}

/** The clinic's specialties: admins keep the list; staff accounts and escalation read it. */
export class SpecialtyDirectory {
  constructor(private readonly db: Db) {}

  async list(): Promise<Specialty[]> {
    const rows = await this.db.specialty.findMany({ orderBy: { code: "asc" } });
    return rows.map(({ updatedAt: _, ...row }) => row);
  }

  async save(code: string, input: z.input<typeof specialtyInputSchema>, by: Actor): Promise<Specialty> {
    const data = specialtyInputSchema.parse(input);
    specialtyCodeSchema.parse(code);
    const { updatedAt: _, ...row } = await this.db.$transaction(async (tx) => {
      const saved = await tx.specialty.upsert({ where: { code }, create: { code, ...data }, update: data });
      await recordAudit(tx, { actor: by, action: "specialty.save", entityType: "specialty", entityId: code, meta: data });
      return saved;
    });
    return row;
  }

  /** Refuses codes that are not active specialties, naming them. */
  async assertActive(codes: string[]): Promise<void> {
    if (!codes.length) return;
    const known = await this.db.specialty.findMany({ where: { code: { in: codes }, active: true }, select: { code: true } });
    const unknown = codes.filter((code) => !known.some((k) => k.code === code));
    if (unknown.length) throw new AppError("validation", `unknown or retired specialty: ${unknown.join(", ")}`, { unknown });
  }

  /** ESCALATE_AFTER_MINUTES with each specialty's own limit, where an admin set one, on top. */
  async escalationRules(base: EscalationRules): Promise<EscalationRules> {
    const rows = await this.db.specialty.findMany({ where: { escalateAfterMinutes: { not: null } }, select: { code: true, escalateAfterMinutes: true } });
    const own = Object.fromEntries(rows.map((row) => [row.code, row.escalateAfterMinutes!]));
    return { bySpecialty: { ...base.bySpecialty, ...own }, fallback: base.fallback };
  }
}
