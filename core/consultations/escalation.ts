import { waitLimitMinutes, type EscalationRules } from "../specialties/escalation-rules";
import type { ConsultationRepository } from "./consultation-repository";

/**
 * Marks the new, unassigned consultations that waited longer than their specialty allows — or, for an urgent one
 * (a red flag), longer than `urgentMinutes`, which is minutes where the specialties' limits are hours. Each is
 * escalated once (the update matches only rows not yet escalated), so running twice changes nothing.
 */
export async function escalateOverdue(
  consultations: ConsultationRepository,
  rules: EscalationRules,
  now = new Date(),
  urgentMinutes?: number,
): Promise<string[]> {
  const shortest = Math.min(rules.fallback, ...Object.values(rules.bySpecialty));
  const waitedSince = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
  const candidates = await consultations.escalationCandidates(waitedSince(shortest), urgentMinutes === undefined ? undefined : waitedSince(urgentMinutes));
  const escalated: string[] = [];
  for (const c of candidates) {
    const specialtyLimit = waitLimitMinutes(rules, c.specialty);
    const limit = c.urgent && urgentMinutes !== undefined ? Math.min(urgentMinutes, specialtyLimit) : specialtyLimit;
    if (now.getTime() - c.createdAt.getTime() < limit * 60_000) continue;
    const waitedMinutes = Math.round((now.getTime() - c.createdAt.getTime()) / 60_000);
    if (await consultations.markEscalated(c.id, now, { waitedMinutes, urgent: c.urgent })) escalated.push(c.id);
  }
  return escalated;
}
