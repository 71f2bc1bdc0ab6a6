import type { Doctor } from "../doctors/doctors";
import type { DocumentSigner } from "../documents/document-signer";
import { renderConsilium } from "../documents/render-consilium";
import type { ClinicInfo } from "../documents/render-documents";
import { AppError } from "../errors";
import type { StoredFiles } from "../files/stored-files";
import type { Icd10Catalogue } from "../icd10/icd10";
import { protocolContentSchema, type Protocol } from "../protocols/protocol";
import type { OnSigned } from "../protocols/protocol-service";
import type { ProtocolRepository } from "../protocols/protocol-repository";
import { toView, type ConsiliumRecord, type ConsiliumView } from "./consilium";
import type { ConsiliumRepository } from "./consilium-repository";
import type { ConsiliumService } from "./consilium-service";

export interface ConsiliumSigningDeps {
  repo: ConsiliumRepository;
  consilia: Pick<ConsiliumService, "participant">;
  protocols: ProtocolRepository;
  files: StoredFiles;
  signer: DocumentSigner;
  clinic: ClinicInfo;
  icd10: Icd10Catalogue;
  /** Once every doctor signed: the documents job files the PDF as the patient's document and tells them. */
  onSigned: OnSigned;
  now?: () => Date;
}

/** Two doctors signing at the same moment: the one who lost the race signs the winner's PDF, a few times at most. */
const SIGNING_ATTEMPTS = 5;

/**
 * One PDF, a signature per doctor: the first signature renders the conclusion (and freezes it), each next one is an
 * incremental update over the PDF as signed so far (@signpdf/placeholder-plain), so every earlier signature stays
 * valid and pdfsig lists them all. Each doctor signs with their own certificate, as a single protocol is signed.
 */
export class ConsiliumSigning {
  private readonly now: () => Date;

  constructor(private readonly deps: ConsiliumSigningDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async sign(doctor: Doctor, id: string): Promise<ConsiliumView> {
    const { repo, files } = this.deps;
    const record = await this.deps.consilia.participant(doctor, id);
    if (record.status === "scheduled") throw new AppError("conflict", "the consilium has not started yet");
    if (!record.protocolId) throw new AppError("conflict", "record the conclusion before signing it");
    if (record.participants.find((p) => p.doctorId === doctor.id)?.signedAt) throw new AppError("conflict", "you have signed this conclusion already");
    // The first signature freezes the conclusion: the others sign exactly what the first signed.
    if (record.status === "open") await repo.transition(id, "open", { status: "signing" });
    const at = this.now();
    for (let attempt = 1; ; attempt++) {
      const current = (await repo.byId(id))!;
      const base = current.pdfFileId ? (await files.read(current.pdfFileId)).bytes : await this.render(current, at);
      const signed = await this.deps.signer.countersign(base, {
        doctorId: doctor.id,
        doctorName: doctor.name,
        reason: `consilium on consultation ${current.consultationNumber}`,
        location: this.deps.clinic.address,
        contactInfo: this.deps.clinic.name,
        signingTime: at,
      });
      const fileId = await files.save(signed, { mimeType: "application/pdf", fileName: `consilium-${current.consultationNumber}.pdf` });
      if (await repo.addSignature(id, current.pdfFileId, fileId, doctor.id, at)) {
        if (current.pdfFileId) await files.remove([current.pdfFileId]);
        break;
      }
      await files.remove([fileId]);
      if (attempt >= SIGNING_ATTEMPTS) throw new AppError("conflict", "the conclusion is being signed by others right now: try again");
    }
    const after = (await repo.byId(id))!;
    if (after.participants.every((p) => p.signedAt)) await this.complete(after, at);
    return toView((await repo.byId(id))!);
  }

  /** The last signature: the protocol is signed (once, whoever gets there first) and its document made. */
  private async complete(record: ConsiliumRecord, at: Date): Promise<void> {
    const protocol = (await this.deps.protocols.byId(record.protocolId!))!;
    if (!(await this.deps.protocols.updateDraft(protocol.id, { status: "signed", signedAt: at, primary: protocol.primary }))) return;
    await this.deps.repo.transition(record.id, "signing", { status: "signed" });
    await this.deps.onSigned(protocol.id);
  }

  private async render(record: ConsiliumRecord, at: Date): Promise<Buffer> {
    const row = (await this.deps.protocols.byId(record.protocolId!))!;
    const kase = (await this.deps.repo.caseOf(record.consultationId))!;
    const protocol: Protocol = { ...row, content: protocolContentSchema.parse(row.content), consultationNumber: record.consultationNumber, signedAt: at };
    const pdf = await renderConsilium({
      protocol,
      patientLanguage: kase.language,
      clinic: this.deps.clinic,
      icd10: this.deps.icd10,
      consilium: { question: record.question, patientJoined: record.patientJoins, heldAt: record.scheduledAt, doctors: record.participants },
    });
    // Object streams would hide the placeholders' /ByteRange from the signer's plain-text search.
    return Buffer.from(await pdf.save({ useObjectStreams: false }));
  }
}
