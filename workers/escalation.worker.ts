import { Queue, Worker, type ConnectionOptions } from "bullmq";
import type { ConsultationDesk } from "../core/consultations/consultation-desk";
import { escalateOverdue, type EscalationRules } from "../core/consultations/escalation";
import type { Db } from "../core/db/prisma";
import type { Logger } from "../core/logger";
import type { SpecialtyDirectory } from "../core/specialties/specialty-directory";
import type { SchedulerSpec } from "./schedulers";

export const ESCALATION_QUEUE = "escalation";

export interface EscalationDeps {
  db: Db;
  desk: ConsultationDesk;
  rules: EscalationRules;
  /** How long an urgent (red-flag) consultation may wait before operators are told (ESCALATE_URGENT_AFTER_MINUTES). */
  urgentMinutes?: number;
  specialties: SpecialtyDirectory;
  logger: Logger;
}

/** One sweep: mark overdue consultations and tell the operators' consoles. No job data at all. */
export async function processEscalation(deps: EscalationDeps, now = new Date()): Promise<number> {
  const ids = await escalateOverdue(deps.db, await deps.specialties.escalationRules(deps.rules), now, deps.urgentMinutes);
  for (const id of ids) await deps.desk.publish("consultation.escalated", id);
  if (ids.length) deps.logger.info({ count: ids.length }, "consultations escalated to operators");
  return ids.length;
}

export function createEscalationQueue(connection: ConnectionOptions, prefix: string): Queue {
  return new Queue(ESCALATION_QUEUE, { connection, prefix });
}

/** A repeatable job (one scheduler, whatever the number of worker processes) sweeps every `everyMs`. */
export const escalationSweep = (queue: Queue, everyMs: number): SchedulerSpec => ({
  queue,
  id: "escalation-sweep",
  everyMs,
  job: { name: "sweep", opts: { removeOnComplete: true, removeOnFail: 100 } },
});

export function startEscalationWorker(connection: ConnectionOptions, prefix: string, deps: EscalationDeps): Worker {
  const worker = new Worker(ESCALATION_QUEUE, async () => processEscalation(deps), { connection, prefix, concurrency: 1 });
  worker.on("error", (error) => deps.logger.error({ err: error }, "escalation worker error"));
  return worker;
}
