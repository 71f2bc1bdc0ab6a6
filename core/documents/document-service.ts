import type { AuditRepository } from "../audit/audit-repository";
import { AppError, notFound } from "../errors";
import type { StoredFiles } from "../files/stored-files";
import type { Icd10Catalogue } from "../icd10/icd10";
import type { PatientNotifier } from "../patients/patient-notifier";
import type { ProtocolService } from "../protocols/protocol-service";
import type { ClinicalDocument } from "./clinical-document";
import type { DocumentRepository } from "./document-repository";
import type { DocumentSigner } from "./document-signer";
import type { Protocol } from "../protocols/protocol";
import { documentsFor, renderDocument, type ClinicInfo, type RenderedKind, type RenderInput } from "./render-documents";

export interface DocumentServiceDeps {
  documents: DocumentRepository;
  audit: AuditRepository;
  protocols: ProtocolService;
  files: StoredFiles;
  signer: DocumentSigner;
  notifier: PatientNotifier;
  icd10: Icd10Catalogue;
  clinic: ClinicInfo;
  /** A consilium's PDF, signed by each of its doctors in turn (core/consilia/consilium-signing.ts). */
  countersigned: { signedPdfOf(protocolId: string): Promise<string | undefined> };
}

/** Signed PDFs made from signed protocols, kept encrypted, told to the patient once. */
export class DocumentService {
  constructor(private readonly deps: DocumentServiceDeps) {}

  /**
   * Makes whatever documents of the protocol are still missing and tells the patient once.
   * Safe to run again (a retried or stalled job): existing documents are kept, the notice is sent once.
   */
  async produce(protocolId: string, now = new Date()): Promise<ClinicalDocument[]> {
    const { documents: repo } = this.deps;
    const protocol = await this.deps.protocols.load(protocolId);
    if (protocol.status !== "signed") throw new AppError("conflict", "documents are made from signed protocols only");
    const existing = await repo.forProtocol(protocolId);
    const { doctorName, patientLanguage, previousVersion } = await repo.names(protocol.doctorId, protocol.patientId, protocol.previousId);
    const consultation = await repo.consultationFacts(protocol.consultationId);
    for (const kind of documentsFor(protocol, consultation.kind)) {
      if (existing.some((document) => document.kind === kind)) continue;
      const fileId =
        kind === "consilium"
          ? await this.countersignedFile(protocolId)
          : await this.renderAndSign(kind, protocol, { doctorName, patientLanguage, previousVersion, reviewedFiles: consultation.patientFiles }, now);
      await repo.create({ protocolId, patientId: protocol.patientId, kind, fileId });
    }
    const documents = await repo.forProtocol(protocolId);
    // Claim the notice first: of two runs only one tells the patient.
    if (await repo.claimNotice(protocolId, now)) {
      await this.deps.notifier.notify(
        protocol.patientId,
        (t) => ({ text: t("notify.ready", { count: documents.length, number: protocol.consultationNumber }) }),
        "documents",
      );
    }
    return documents;
  }

  private async renderAndSign(
    kind: RenderedKind,
    protocol: Protocol,
    names: { doctorName: string; patientLanguage: string; previousVersion?: number; reviewedFiles: RenderInput["reviewedFiles"] },
    now: Date,
  ): Promise<string> {
    const pdf = await renderDocument(kind, { protocol, ...names, clinic: this.deps.clinic, icd10: this.deps.icd10 });
    const signed = await this.deps.signer.sign(pdf, {
      doctorId: protocol.doctorId,
      doctorName: names.doctorName,
      reason: `${kind} of consultation ${protocol.consultationNumber}, protocol version ${protocol.version}`,
      location: this.deps.clinic.address,
      contactInfo: this.deps.clinic.name,
      signingTime: protocol.signedAt ?? now,
    });
    return this.deps.files.save(signed, { mimeType: "application/pdf", fileName: `${kind}-${protocol.consultationNumber}-v${protocol.version}.pdf` });
  }

  private async countersignedFile(protocolId: string): Promise<string> {
    const fileId = await this.deps.countersigned.signedPdfOf(protocolId);
    if (!fileId) throw new AppError("conflict", "the consilium's PDF is not signed by all its doctors yet");
    return fileId;
  }

  /** Why the documents job last failed for this protocol, or null (cleared when the documents are made). */
  failureOf(protocolId: string): Promise<string | null> {
    return this.deps.documents.failureOf(protocolId);
  }

  async noteFailure(protocolId: string, reason: string | null): Promise<void> {
    await this.deps.documents.noteFailure(protocolId, reason?.slice(0, 500) ?? null);
  }

  /** The protocol's documents and why the last run failed, as the console shows them to a doctor (audited). */
  async listForDoctor(doctorId: string, protocolId: string): Promise<{ documents: ClinicalDocument[]; failure: string | null }> {
    const documents = await this.forProtocol(protocolId);
    await this.deps.audit.record({ actor: { type: "doctor", id: doctorId }, action: "document.list", entityType: "protocol", entityId: protocolId });
    return { documents, failure: await this.failureOf(protocolId) };
  }

  forProtocol(protocolId: string): Promise<ClinicalDocument[]> {
    return this.deps.documents.forProtocol(protocolId);
  }

  forPatient(patientId: string): Promise<ClinicalDocument[]> {
    return this.deps.documents.forPatient(patientId);
  }

  find(documentId: string): Promise<ClinicalDocument | undefined> {
    return this.deps.documents.byId(documentId);
  }

  /** The PDF bytes; the caller checks who may read them and records the access. */
  async content(documentId: string): Promise<{ document: ClinicalDocument; bytes: Buffer; fileName: string }> {
    const row = await this.deps.documents.byId(documentId);
    if (!row) throw notFound("document");
    const file = await this.deps.files.read(row.fileId);
    return { document: row, bytes: file.bytes, fileName: file.fileName };
  }
}
