import { AppError } from "../errors";
import { checkRemoteCare } from "../protocols/guardrail";
import type { InPersonVisit, Prescription, ProtocolContent } from "../protocols/protocol";

const DAY_MS = 86_400_000;

/** What may be renewed: every prescribed medicine the version did not stop. */
export const renewable = (content: ProtocolContent): Prescription[] => content.prescriptions.filter((p) => p.treatmentChange !== "stop");

/** The medicines as the patient and the doctor read them in a message: "Лозартан 50 мг, …". */
export const medicinesText = (items: Prescription[]) => items.map((p) => `${p.medicine} ${p.dose}`).join(", ");

/** A signed prescription is active until its longest course ends. */
export function isActive(content: ProtocolContent, signedAt: Date, now: Date): boolean {
  const items = renewable(content);
  if (!items.length) return false;
  const longest = Math.max(...items.map((p) => p.durationDays));
  return signedAt.getTime() + longest * DAY_MS > now.getTime();
}

/**
 * The in-person visit the prescription rests on, found as the remote-care guardrail finds it (core/protocols/guardrail.ts:
 * linked by the doctor, or the same ICD-10 category): the newest of them, or null.
 */
export function visitBehind(content: ProtocolContent, visits: InPersonVisit[], now: Date): InPersonVisit | null {
  const ids = new Set(checkRemoteCare(content, visits, now).followsUp);
  const behind = visits.filter((v) => ids.has(v.id)).sort((a, b) => b.visitedAt.getTime() - a.visitedAt.getTime());
  return behind[0] ?? null;
}

/**
 * 323-FZ art. 36.2 lets a doctor correct remotely a treatment set in person; the clinic decides how long an in-person
 * visit keeps that true (RENEWAL_MAX_VISIT_AGE_DAYS). Older, or no visit at all: the patient is seen in person first.
 */
export function assertRecentVisit(content: ProtocolContent, visits: InPersonVisit[], maxAgeDays: number, now: Date): InPersonVisit {
  const visit = visitBehind(content, visits, now);
  if (visit && now.getTime() - visit.visitedAt.getTime() <= maxAgeDays * DAY_MS) return visit;
  throw new AppError(
    "in_person_visit_outdated",
    `a prescription is renewed remotely only within ${maxAgeDays} days of the in-person visit it follows up (RENEWAL_MAX_VISIT_AGE_DAYS)`,
    { lastVisitAt: visit?.visitedAt.toISOString() ?? null, maxAgeDays },
  );
}
