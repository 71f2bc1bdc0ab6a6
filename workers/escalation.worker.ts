import type { ConsultationDesk } from "../core/consultations/consultation-desk";
import type { ConsultationRepository } from "../core/consultations/consultation-repository";
import { escalateOverdue } from "../core/consultations/escalation";
import type { EscalationRules } from "../core/specialties/escalation-rules";
import type { Logger } from "../core/logger";
import { queueNames } from "../core/redis-keys";
import type { SpecialtyDirectory } from "../core/specialties/specialty-directory";
import type { QueueDeclaration } from "./job-queues";

export interface EscalationDeps {
  consultations: ConsultationRepository;
  desk: ConsultationDesk;
  rules: EscalationRules;
  /** How long an urgent (red-flag) consultation may wait before operators are told (ESCALATE_URGENT_AFTER_MINUTES). */
  urgentMinutes?: number;
  specialties: SpecialtyDirectory;
  logger: Logger;
}

/** One sweep: mark overdue consultations and tell the operators' consoles. No job data at all. */
export async function processEscalation(deps: EscalationDeps, now = new Date()): Promise<number> {
  const ids = await escalateOverdue(deps.consultations, await deps.specialties.escalationRules(deps.rules), now, deps.urgentMinutes);
  for (const id of ids) await deps.desk.publish("consultation.escalated", id);
  if (ids.length) deps.logger.info({ count: ids.length }, "consultations escalated to operators");
  return ids.length;
}

/** A repeatable job (one scheduler, whatever the number of worker processes) sweeps every `sweepMs`. */
export const escalationQueue = (sweepMs: number): QueueDeclaration<EscalationDeps> => ({
  name: queueNames.escalation,
  concurrency: 1,
  process: (_job, deps) => processEscalation(deps),
  schedulers: [{ id: "escalation-sweep", everyMs: sweepMs, job: { name: "sweep", opts: { removeOnComplete: true, removeOnFail: 100 } } }],
});
