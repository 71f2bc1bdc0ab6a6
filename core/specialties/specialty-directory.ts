import { z } from "zod";
import type { Actor } from "../audit/audit-log";
import { AppError } from "../errors";
import type { EscalationRules } from "../consultations/escalation";
import type { SpecialtyRepository } from "./specialty-repository";

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
  constructor(private readonly specialties: SpecialtyRepository) {}

  list(): Promise<Specialty[]> {
    return this.specialties.list();
  }

  async save(code: string, input: z.input<typeof specialtyInputSchema>, by: Actor): Promise<Specialty> {
    const data = specialtyInputSchema.parse(input);
    specialtyCodeSchema.parse(code);
    return this.specialties.save({ code, ...data }, by);
  }

  /** Refuses codes that are not active specialties, naming them. */
  async assertActive(codes: string[]): Promise<void> {
    if (!codes.length) return;
    const known = await this.specialties.active(codes);
    const unknown = codes.filter((code) => !known.includes(code));
    if (unknown.length) throw new AppError("validation", `unknown or retired specialty: ${unknown.join(", ")}`, { unknown });
  }

  /** ESCALATE_AFTER_MINUTES with each specialty's own limit, where an admin set one, on top. */
  async escalationRules(base: EscalationRules): Promise<EscalationRules> {
    const own = await this.specialties.escalationLimits();
    return { bySpecialty: { ...base.bySpecialty, ...own }, fallback: base.fallback };
  }
}
