import type { z } from "zod";
import type { Actor } from "../audit/audit-log";
import { AppError } from "../errors";
import type { EscalationRules } from "./escalation-rules";
import { specialtyCodeSchema, specialtyInputSchema, type Specialty } from "./specialty";
import type { SpecialtyRepository } from "./specialty-repository";

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
