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
 * Marks the new, unassigned consultations that waited longer than their specialty allows. Each is
 * escalated once (the update matches only rows not yet escalated), so running twice changes nothing.
 */
export async function escalateOverdue(db: Db, rules: EscalationRules, now = new Date()): Promise<string[]> {
  const shortest = Math.min(rules.fallback, ...Object.values(rules.bySpecialty));
  const candidates = await db.consultation.findMany({
    where: { status: "new", doctorId: null, escalatedAt: null, createdAt: { lte: new Date(now.getTime() - shortest * 60_000) } },
    select: { id: true, specialty: true, createdAt: true },
    take: 500,
  });
  const escalated: string[] = [];
  for (const c of candidates) {
    if (now.getTime() - c.createdAt.getTime() < waitLimitMinutes(rules, c.specialty) * 60_000) continue;
    const marked = await db.consultation.updateMany({ where: { id: c.id, escalatedAt: null }, data: { escalatedAt: now } });
    if (!marked.count) continue;
    await recordAudit(db, {
      actor: { type: "system" },
      action: "consultation.escalate",
      entityType: "consultation",
      entityId: c.id,
      meta: { waitedMinutes: Math.round((now.getTime() - c.createdAt.getTime()) / 60_000) },
    });
    escalated.push(c.id);
  }
  return escalated;
}
