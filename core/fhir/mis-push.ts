import type { AuditRepository } from "../audit/audit-repository";
import { AppError, notFound } from "../errors";
import type { StoredFiles } from "../files/stored-files";
import { MisPushError, type MisClient } from "./mis-client";
import type { FailedPush, MisPushRepository, PushSubject } from "./mis-push-repository";
import { misTransaction, type TransactionPart } from "./mis-transaction";
import type { FhirRepository } from "./fhir-repository";
import * as map from "./fhir-resources";
import type { FhirResource, MappingContext } from "./fhir-resources";

/** What one delivery run did; a failure throws `MisPushError` instead. */
export type DeliveryOutcome = "sent" | "already_sent" | "not_signed" | "waiting_for_documents";

/** How long a push waits for the signed PDFs before a missing PDF counts as a failed attempt (the documents job retries for minutes). */
const DOCUMENTS_GRACE_MS = 60 * 60_000;

export interface MisPushDeps {
  pushes: MisPushRepository;
  rows: FhirRepository;
  files: StoredFiles;
  client: MisClient;
  audit: AuditRepository;
  context: MappingContext;
  /** Queues the delivery job (workers/mis-push.worker.ts); one job per protocol version. */
  enqueue(protocolId: string): Promise<void>;
}

type Identifier = TransactionPart["match"];
const firstIdentifier = (resource: FhirResource, key: string) => [resource[key]].flat()[0] as Identifier;

/**
 * Push on signing: each signed protocol version (a correction too) goes to the clinic's MIS as one FHIR transaction
 * (Patient, Encounter, Composition, a DocumentReference per signed PDF, built by the export's own mappers), once: a
 * MisPush row per version records that it was sent, and a push that failed every attempt waits for an admin.
 */
export class MisPush {
  constructor(private readonly deps: MisPushDeps) {}

  /** Called when a protocol version is signed. */
  async queue(protocolId: string): Promise<void> {
    await this.deps.pushes.open(protocolId);
    await this.deps.enqueue(protocolId);
  }

  /** One delivery attempt; `lastAttempt` (or a refusal that retrying cannot change) puts a failure on the review list. */
  async deliver(protocolId: string, lastAttempt: boolean, now = new Date()): Promise<DeliveryOutcome> {
    const { pushes } = this.deps;
    if ((await pushes.find(protocolId))?.status === "sent") return "already_sent";
    const subject = await pushes.subject(protocolId);
    if (!subject) throw notFound(`protocol ${protocolId}`);
    if (subject.status !== "signed") return "not_signed";
    await pushes.open(protocolId);
    try {
      if (!subject.documentsDone) {
        const overdue = subject.signedAt !== null && now.getTime() - subject.signedAt.getTime() > DOCUMENTS_GRACE_MS;
        if (!subject.documentsError && !overdue) return "waiting_for_documents";
        throw new MisPushError(`the signed PDFs are not made yet: ${subject.documentsError ?? "the documents job has not finished"}`, false);
      }
      await this.deps.client.send(await this.bundle(protocolId, subject));
    } catch (error) {
      const failure = error instanceof MisPushError ? error : new MisPushError(error instanceof Error ? error.message : String(error), false);
      await pushes.noteFailure(protocolId, failure.message, lastAttempt || failure.permanent);
      throw failure;
    }
    await pushes.markSent(protocolId, now);
    // The patient's record left for the MIS: traced like every other disclosure of health data.
    await this.deps.audit.record({ actor: { type: "system" }, action: "mis.push", entityType: "patient", entityId: subject.patientId, meta: { protocolId } });
    return "sent";
  }

  /** The review list: pushes that failed every attempt or were refused, newest first. */
  failures(limit: number): Promise<FailedPush[]> {
    return this.deps.pushes.failed(limit);
  }

  /** "Retry now" from the review list: the push is pending again and its job runs at once, with all its attempts. */
  async retry(protocolId: string, staffId: string): Promise<void> {
    if (!(await this.deps.pushes.reopen(protocolId))) throw new AppError("conflict", "this push is not on the review list (already sent, pending, or unknown)");
    await this.deps.audit.record({ actor: { type: "staff", id: staffId }, action: "mis.retry", entityType: "protocol", entityId: protocolId });
    await this.deps.enqueue(protocolId);
  }

  /** The transaction for one signed version: the export's resources, each PDF embedded in its DocumentReference. */
  async bundle(protocolId: string, subject: PushSubject): Promise<FhirResource> {
    const { rows, context, files } = this.deps;
    const [patient, encounter, protocol] = await Promise.all([
      rows.patients.byId(subject.patientId),
      rows.consultations.byId(subject.consultationId),
      rows.protocols.byId(protocolId),
    ]);
    if (!patient || !encounter || !protocol) throw notFound(`the record of protocol ${protocolId}`);
    const documents = await Promise.all(
      subject.documentIds.map(async (id) => {
        const row = await rows.documents.byId(id);
        if (!row) throw notFound(`document ${id}`);
        return map.documentReferenceResource(row, context, (await files.read(row.fileId)).bytes);
      }),
    );
    const part = (resource: FhirResource, write: TransactionPart["write"], key: string): TransactionPart => ({ resource, write, match: firstIdentifier(resource, key) });
    const parts = [
      part(map.patientResource(patient), "update", "identifier"),
      part(map.encounterResource(encounter), "update", "identifier"),
      part(map.compositionResource(protocol, context), "create", "identifier"),
      ...documents.map((document) => part(document, "create", "masterIdentifier")),
    ];
    // A correction replaces the version before it, which the MIS holds under its own id: referenced by identifier.
    const outside =
      protocol.previousId && subject.previousVersion !== null
        ? { [`Composition/${protocol.previousId}`]: map.compositionIdentifier(subject.consultationNumber, subject.previousVersion) }
        : {};
    return misTransaction(parts, outside);
  }
}
