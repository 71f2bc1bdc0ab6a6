import { z } from "zod";
import type { AuditRepository } from "../audit/audit-repository";
import type { Doctor } from "../doctors/doctors";
import { AppError, notFound } from "../errors";
import { checkRemoteCare, enforceRemoteCare, type RemoteCareCheck } from "./guardrail";
import type { InPersonVisits } from "./in-person-visits";
import { protocolContentSchema, type ColleagueAnswer, type Protocol, type ProtocolContent, type ProtocolContentInput } from "./protocol";
import type { ProtocolRepository, ProtocolRow } from "./protocol-repository";

export interface ProtocolView extends Protocol {
  remoteCare: RemoteCareCheck;
}

export const protocolViewSchema = z.object({
  id: z.string(),
  consultationId: z.string(),
  kind: z.enum(["consultation", "consilium"]).optional(),
  consultationNumber: z.number(),
  patientId: z.string(),
  doctorId: z.string(),
  version: z.number(),
  previousId: z.string().nullable(),
  status: z.enum(["draft", "signed"]),
  primary: z.boolean(),
  content: protocolContentSchema,
  signedAt: z.date().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
  remoteCare: z.object({ primary: z.boolean(), followsUp: z.array(z.string()), refused: z.array(z.enum(["diagnosis", "prescription", "treatment_change"])) }),
}) satisfies z.ZodType<ProtocolView>;

/** Called once a protocol is signed (the documents queue); ids only. */
export type OnSigned = (protocolId: string) => Promise<void>;

/**
 * The consultation protocol: drafts the doctor edits, then signed versions that never change.
 * The remote-care guardrail runs on every save and again on signing (a visit may have been removed meanwhile).
 */
export class ProtocolService {
  constructor(
    private readonly protocols: ProtocolRepository,
    private readonly audits: AuditRepository,
    private readonly visits: InPersonVisits,
    private readonly onSigned: OnSigned,
  ) {}

  /** The open draft of the consultation, or a new first version with the complaints taken from the patient's messages. */
  async startDraft(doctor: Doctor, consultationId: string): Promise<ProtocolView> {
    const consultation = await this.protocols.consultationForDraft(consultationId);
    if (!consultation) throw notFound("consultation");
    const latest = await this.protocols.latest(consultationId);
    if (latest?.status === "draft") return this.view(latest, consultation.number);
    if (latest) throw new AppError("conflict", "the protocol is signed: create a correction of the latest version instead");
    const content = protocolContentSchema.parse({ complaints: consultation.complaints.join("\n") });
    const row = await this.protocols.create({ consultationId, patientId: consultation.patientId, doctorId: doctor.id, version: 1, primary: true, content });
    if (!row) throw new AppError("conflict", "a protocol for this consultation was just created");
    await this.audit(doctor, "protocol.create", row.id, consultationId);
    return this.view(row, consultation.number);
  }

  async read(doctor: Doctor, protocolId: string): Promise<ProtocolView> {
    const row = await this.row(protocolId);
    await this.audit(doctor, "protocol.read", row.id, row.consultationId);
    return this.view(row);
  }

  async listForConsultation(doctor: Doctor, consultationId: string): Promise<ProtocolView[]> {
    const rows = await this.protocols.listForConsultation(consultationId);
    await this.audits.record({ actor: { type: "doctor", id: doctor.id }, action: "protocol.list", entityType: "consultation", entityId: consultationId });
    return Promise.all(rows.map((row) => this.view(row)));
  }

  async update(doctor: Doctor, protocolId: string, input: ProtocolContentInput): Promise<ProtocolView> {
    const row = await this.row(protocolId);
    this.assertEditable(doctor, row);
    const content = keepCitations(protocolContentSchema.parse(input), protocolContentSchema.parse(row.content));
    const check = checkRemoteCare(content, await this.visits.listForPatient(row.patientId));
    enforceRemoteCare(check);
    // Conditional on `draft`: a concurrent signature wins and this save is refused.
    if (!(await this.protocols.updateDraft(protocolId, { content, primary: check.primary }))) throw signedConflict();
    await this.audit(doctor, "protocol.update", protocolId, row.consultationId);
    return this.view(await this.row(protocolId));
  }

  /** A colleague's answer cited in the draft, as stored (the form may drop a citation, never rewrite one). */
  async citeColleague(doctor: Doctor, protocolId: string, citation: ColleagueAnswer): Promise<ProtocolView> {
    const row = await this.row(protocolId);
    this.assertEditable(doctor, row);
    const content = protocolContentSchema.parse(row.content);
    const colleagueAnswers = [...content.colleagueAnswers.filter((c) => c.invitationId !== citation.invitationId), citation];
    if (!(await this.protocols.updateDraft(protocolId, { content: { ...content, colleagueAnswers }, primary: row.primary }))) throw signedConflict();
    await this.audit(doctor, "protocol.cite_colleague", protocolId, row.consultationId, { invitationId: citation.invitationId });
    return this.view(await this.row(protocolId));
  }

  async sign(doctor: Doctor, protocolId: string, now = new Date()): Promise<ProtocolView> {
    const row = await this.row(protocolId);
    this.assertEditable(doctor, row);
    const content = protocolContentSchema.parse(row.content);
    const check = checkRemoteCare(content, await this.visits.listForPatient(row.patientId), now);
    enforceRemoteCare(check);
    if (!(await this.protocols.updateDraft(protocolId, { status: "signed", signedAt: now, primary: check.primary }))) throw signedConflict();
    await this.audit(doctor, "protocol.sign", protocolId, row.consultationId);
    await this.onSigned(protocolId);
    return this.view(await this.row(protocolId));
  }

  /** A correction: a new draft version referencing the signed one it corrects (only the latest can be corrected). */
  async correct(doctor: Doctor, protocolId: string): Promise<ProtocolView> {
    const row = await this.row(protocolId);
    if (row.status !== "signed") throw new AppError("conflict", "only a signed protocol is corrected; edit the draft instead");
    const newer = await this.protocols.newerThan(row.consultationId, row.version);
    if (newer !== undefined) throw new AppError("conflict", `version ${row.version} already has a newer version ${newer}`);
    const created = await this.protocols.create({
      consultationId: row.consultationId,
      patientId: row.patientId,
      doctorId: doctor.id,
      version: row.version + 1,
      previousId: row.id,
      primary: row.primary,
      content: row.content as object,
    });
    if (!created) throw new AppError("conflict", "this version is already being corrected");
    await this.audit(doctor, "protocol.correct", created.id, row.consultationId, { previousId: row.id });
    return this.view(created);
  }

  /** For the documents worker and the patient account: no audit here, the caller records its own access. */
  async load(protocolId: string): Promise<Protocol> {
    return this.view(await this.row(protocolId));
  }

  private assertEditable(doctor: Doctor, row: ProtocolRow): void {
    if (row.status === "signed") throw signedConflict();
    if (row.doctorId !== doctor.id) throw new AppError("forbidden", "only the doctor who wrote the draft can change or sign it");
  }

  private async row(protocolId: string): Promise<ProtocolRow> {
    const row = await this.protocols.byId(protocolId);
    if (!row) throw notFound("protocol");
    return row;
  }

  private async view(row: ProtocolRow, consultationNumber?: number): Promise<ProtocolView> {
    const content = protocolContentSchema.parse(row.content);
    const number = consultationNumber ?? (await this.protocols.consultationNumber(row.consultationId));
    const remoteCare = checkRemoteCare(content, await this.visits.listForPatient(row.patientId), row.signedAt ?? new Date());
    return { ...row, content, consultationNumber: number, remoteCare };
  }

  private audit(doctor: Doctor, action: string, protocolId: string, consultationId: string, meta: Record<string, unknown> = {}) {
    return this.audits.record({
      actor: { type: "doctor", id: doctor.id },
      action,
      entityType: "protocol",
      entityId: protocolId,
      meta: { consultationId, ...meta },
    });
  }
}

/** What the form sends may remove a cited answer; the ones it keeps are the stored words, whatever it sent. */
function keepCitations(content: ProtocolContent, stored: ProtocolContent): ProtocolContent {
  const kept = new Set(content.colleagueAnswers.map((c) => c.invitationId));
  return { ...content, colleagueAnswers: stored.colleagueAnswers.filter((c) => kept.has(c.invitationId)) };
}

const signedConflict = () =>
  new AppError("conflict", "a signed protocol cannot change: create a correction (POST /api/v1/protocols/:id/corrections)");
