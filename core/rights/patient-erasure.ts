import type { Actor } from "../audit/audit-log";
import type { AuditRepository } from "../audit/audit-repository";
import { notFound } from "../errors";
import type { StoredFiles } from "../files/stored-files";
import type { PatientErasureRepository } from "./patient-erasure-repository";
import type { RetentionPeriods } from "./retention";

/** Runs the erasure later, after the patient's last messages (the confirmation) went out: workers/retention.worker.ts. */
export interface ErasureQueue {
  enqueueErasure(patientId: string): Promise<void>;
}

export interface ErasureDeps {
  patients: PatientErasureRepository;
  audit: AuditRepository;
  files: StoredFiles;
  queue: ErasureQueue;
  retention: RetentionPeriods;
  /** Drops the web chat's copy of the conversation (a Redis stream per visitor). */
  clearWebChat: (visitorId: string) => Promise<void>;
}

/**
 * The patient's right to have their data destroyed (152-FZ art. 21 p. 5, on withdrawal of consent), short of
 * what another law makes the clinic keep. Erased or anonymised: messenger ids and chats, the phone's hash, chat
 * texts and files outside the medical record (consultations no doctor took, unfinished intakes, the outbox's
 * copies), device tokens, account links, reminders. Kept, restricted (core/access/care-access.ts) until
 * `retainUntil`: consultations a doctor took with their messages, protocols, signed documents, visits, results,
 * readings, consents as given, and the audit trail (never touched here).
 */
export class PatientErasure {
  constructor(private readonly deps: ErasureDeps) {}

  /** Records the request (once) and queues the erasure; audited. */
  async request(patientId: string, actor: Actor, via: "bot" | "account"): Promise<void> {
    const { patients } = this.deps;
    if (!(await patients.state(patientId))) throw notFound("patient");
    const first = await patients.markRequested(patientId, new Date());
    await this.deps.audit.record({ actor, action: "patient.erasure_request", entityType: "patient", entityId: patientId, meta: { via, repeated: !first } });
    await this.deps.queue.enqueueErasure(patientId);
  }

  /**
   * A requested erasure waits while messages to the patient are still queued: the last one is its confirmation.
   * The request is made while the patient's update is being handled, and the confirmation is written when that
   * update is finished, so an update of theirs still pending counts as a message on its way.
   */
  async waitsForMessages(patientId: string): Promise<boolean> {
    return (await this.deps.patients.isDue(patientId)) && (await this.deps.patients.messagesOnTheirWay(patientId));
  }

  /** Erases once; a repeated run (a redelivered job) changes nothing. */
  async erase(patientId: string, now = new Date()): Promise<"erased" | "already_erased" | "not_requested"> {
    const patient = await this.deps.patients.state(patientId);
    if (!patient) return "not_requested";
    if (patient.erasedAt) return "already_erased";
    if (!patient.erasureRequestedAt) return "not_requested";

    const result = await this.deps.patients.erase(patientId, now, this.deps.retention.medical_record.days);
    // After the commit: a rollback must not have lost bytes still referenced.
    await this.deps.files.remove(result.fileIds);
    for (const visitorId of result.webVisitors) await this.deps.clearWebChat(visitorId);
    return "erased";
  }
}
