import { z } from "zod";
import { recordAudit } from "../audit/audit-log";
import type { Db } from "../db/prisma";

/** `gp:60,dermatology:240,*:120`: minutes a new consultation may wait for a doctor before operators are told. */
export const escalationRulesSchema = z
  .string()
  .trim()
  .regex(/^([a-z0-9_*-]+:\d+)(,[a-z0-9_*-]+:\d+)*$/, "must be specialty:minutes pairs, e.g. gp:60,*:120")
  .transform((text) => {
    const rules = Object.fromEntries(text.split(",").map((pair) => pair.split(":")).map(([s, m]) => [s!, Number(m)]));
    return { bySpecialty: rules, fallback: rules["*"] ?? 120 };
  });
export type EscalationRules = z.output<typeof escalationRulesSchema>;

export const waitLimitMinutes = (rules: EscalationRules, specialty: string) => rules.bySpecialty[specialty] ?? rules.fallback;

/**
 * Marks the new, unassigned consultations that waited longer than their specialty allows — or, for an urgent one
 * (a red flag), longer than `urgentMinutes`, which is minutes where the specialties' limits are hours. Each is
 * escalated once (the update matches only rows not yet escalated), so running twice changes nothing.
 */
export async function escalateOverdue(db: Db, rules: EscalationRules, now = new Date(), urgentMinutes?: number): Promise<string[]> {
  const shortest = Math.min(rules.fallback, ...Object.values(rules.bySpecialty));
  const waitedSince = (minutes: number) => ({ lte: new Date(now.getTime() - minutes * 60_000) });
  const candidates = await db.consultation.findMany({
    where: {
      status: "new",
      doctorId: null,
      escalatedAt: null,
      OR: [{ createdAt: waitedSince(shortest) }, ...(urgentMinutes === undefined ? [] : [{ urgent: true, createdAt: waitedSince(urgentMinutes) }])],
    },
    select: { id: true, specialty: true, createdAt: true, urgent: true },
    orderBy: [{ urgent: "desc" }, { createdAt: "asc" }],
    take: 500,
  });
  const escalated: string[] = [];
  for (const c of candidates) {
    const specialtyLimit = waitLimitMinutes(rules, c.specialty);
    const limit = c.urgent && urgentMinutes !== undefined ? Math.min(urgentMinutes, specialtyLimit) : specialtyLimit;
    if (now.getTime() - c.createdAt.getTime() < limit * 60_000) continue;
    const marked = await db.consultation.updateMany({ where: { id: c.id, escalatedAt: null }, data: { escalatedAt: now } });
    if (!marked.count) continue;
    await recordAudit(db, {
      actor: { type: "system" },
      action: "consultation.escalate",
      entityType: "consultation",
      entityId: c.id,
      meta: { waitedMinutes: Math.round((now.getTime() - c.createdAt.getTime()) / 60_000), urgent: c.urgent },
    });
    escalated.push(c.id);
  }
  return escalated;
}
