import { DateTime } from "luxon";
import type { Doctor } from "../doctors/doctors";
import { AppError, notFound } from "../errors";
import type { PatientNotifier } from "../patients/patient-notifier";
import { checkRemoteCare, enforceRemoteCare } from "../protocols/guardrail";
import type { InPersonVisits } from "../protocols/in-person-visits";
import { protocolContentSchema, type ProtocolContent, type ProtocolContentInput } from "../protocols/protocol";
import type { ProtocolRepository } from "../protocols/protocol-repository";
import type { CallAccess } from "../video/call-access";
import { consiliumInputSchema, toView, type ConsiliumInput, type ConsiliumRecord, type ConsiliumView } from "./consilium";
import type { ConsiliumRepository } from "./consilium-repository";

export interface ConsiliumServiceDeps {
  repo: ConsiliumRepository;
  /** The video code's group calls: one LiveKit room, each doctor's and the patient's own single-device link. */
  calls: Pick<CallAccess, "openGroupCall" | "memberLink" | "patientLinkUrl">;
  protocols: ProtocolRepository;
  visits: InPersonVisits;
  notifier: PatientNotifier;
  now?: () => Date;
}

/** A scheduled time may be this far in the past (a form filled slowly) and still count as now. */
const PAST_TOLERANCE_MS = 60_000;

/**
 * Consilia (323-FZ art. 36.2, doctor with doctor): the treating doctor calls one from a thread, scheduled or at once;
 * the doctors (and, as configured, the patient) meet in one room of the video code; the conclusion is a protocol of
 * kind `consilium` that any of its doctors writes until the first signs (signing: core/consilia/consilium-signing.ts).
 */
export class ConsiliumService {
  private readonly now: () => Date;

  constructor(private readonly deps: ConsiliumServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Called by the consultation's own doctor (the route checks it). */
  async create(organizer: Doctor, consultationId: string, input: ConsiliumInput): Promise<ConsiliumView> {
    const { repo } = this.deps;
    const { question, doctorIds, scheduledAt, patientJoins, treatingDoctorJoins } = consiliumInputSchema.parse(input);
    const kase = await repo.caseOf(consultationId);
    if (!kase) throw notFound("consultation");
    const invited = [...new Set(doctorIds)].filter((id) => id !== organizer.id);
    if (invited.length === 0) throw new AppError("validation", "invite at least one other doctor");
    const known = await repo.existingDoctors(invited);
    const unknown = invited.filter((id) => !known.includes(id));
    if (unknown.length) throw new AppError("validation", "unknown doctors", { doctorIds: unknown });
    const at = scheduledAt ? new Date(scheduledAt) : this.now();
    if (at.getTime() < this.now().getTime() - PAST_TOLERANCE_MS) throw new AppError("validation", "the consilium's time is in the past");
    const participants = treatingDoctorJoins ? [organizer.id, ...invited] : invited;
    const id = await repo.create(
      { consultationId, patientId: kase.patientId, organizerId: organizer.id, question, patientJoins, scheduledAt: at, doctorIds: participants },
      { actor: { type: "doctor", id: organizer.id }, action: "consilium.create", entityType: "consilium", meta: { consultationId, doctors: participants.length, patientJoins, scheduled: !!scheduledAt } },
    );
    if (!scheduledAt) return this.start(organizer, id);
    if (patientJoins) {
      const time = DateTime.fromJSDate(at, { zone: kase.timezone }).toFormat("dd.MM.yyyy HH:mm");
      await this.deps.notifier.notify(kase.patientId, (t) => ({ text: t("scheduled", { number: kase.number, time }) }), "consilium");
    }
    return toView(await this.record(id));
  }

  /** Opens the room (a scheduled consilium when its time comes; an immediate one at once) and invites the patient. */
  async start(doctor: Doctor, id: string): Promise<ConsiliumView> {
    const record = await this.member(doctor, id);
    if (record.status !== "scheduled") return toView(record);
    const kase = (await this.deps.repo.caseOf(record.consultationId))!;
    const [chair, ...guests] = record.participants.map((p) => p.doctorId);
    const visit = await this.deps.calls.openGroupCall({
      id: crypto.randomUUID(),
      patientId: record.patientId,
      accountId: kase.accountId,
      consultationId: record.consultationId,
      specialty: kase.specialty,
      language: kase.language,
      doctorId: chair!,
      guests,
      roomPrefix: "consilium",
    });
    if (!(await this.deps.repo.transition(id, "scheduled", { status: "open", visitId: visit.id }))) return toView(await this.record(id));
    await this.deps.repo.audit({ actor: { type: "doctor", id: doctor.id }, action: "consilium.start", entityType: "consilium", entityId: id, meta: { visitId: visit.id } });
    if (record.patientJoins) {
      const url = await this.deps.calls.patientLinkUrl(visit.id);
      await this.deps.notifier.notify(record.patientId, (t) => ({ text: t("started", { number: record.consultationNumber, url }) }), "consilium");
    }
    return toView(await this.record(id));
  }

  /** A participating doctor's own link to the room's call page (the video code's, single-device). */
  async link(doctor: Doctor, id: string): Promise<string> {
    const record = await this.participant(doctor, id);
    if (record.status === "scheduled" || !record.visitId) throw new AppError("conflict", "the consilium has not started yet");
    return this.deps.calls.memberLink(doctor, record.visitId);
  }

  /** The consilium with its case (what the patient wrote) and the conclusion so far; audited as a read of the case. */
  async read(doctor: Doctor, id: string): Promise<ConsiliumView & { complaints: string[]; conclusion: ProtocolContent | null }> {
    const record = await this.member(doctor, id);
    const [complaints, protocol] = await Promise.all([
      this.deps.repo.complaints(record.consultationId),
      record.protocolId ? this.deps.protocols.byId(record.protocolId) : undefined,
    ]);
    await this.deps.repo.audit({ actor: { type: "doctor", id: doctor.id }, action: "consilium.read", entityType: "consilium", entityId: id, meta: { consultationId: record.consultationId } });
    return { ...toView(record), complaints, conclusion: protocol ? protocolContentSchema.parse(protocol.content) : null };
  }

  /** Whom a doctor may invite: names and specialties only, nothing about patients. */
  colleagues(doctor: Doctor, specialty?: string) {
    return this.deps.repo.colleagues(doctor.id, specialty);
  }

  /** Consilia the doctor called or sits in. */
  async list(doctor: Doctor): Promise<ConsiliumView[]> {
    return (await this.deps.repo.ofDoctor(doctor.id)).map(toView);
  }

  /** A thread's consilia (the route checks the care relationship). */
  async ofConsultation(doctor: Doctor, consultationId: string): Promise<ConsiliumView[]> {
    await this.deps.repo.audit({ actor: { type: "doctor", id: doctor.id }, action: "consilium.list", entityType: "consultation", entityId: consultationId });
    return (await this.deps.repo.ofConsultation(consultationId)).map(toView);
  }

  /**
   * Records the conclusion: a draft protocol of kind `consilium` on the case, written by any of its doctors until
   * the first signature freezes it; the remote-care guardrail applies as to any protocol.
   */
  async saveConclusion(doctor: Doctor, id: string, input: ProtocolContentInput): Promise<ConsiliumView> {
    const record = await this.participant(doctor, id);
    if (record.status !== "open") throw new AppError("conflict", record.status === "scheduled" ? "the consilium has not started yet" : "the conclusion is being signed and no longer changes");
    const content = protocolContentSchema.parse(input);
    const check = checkRemoteCare(content, await this.deps.visits.listForPatient(record.patientId), this.now());
    enforceRemoteCare(check);
    const { protocols } = this.deps;
    if (record.protocolId) {
      if (!(await this.deps.repo.writeConclusion(id, record.protocolId, { content, primary: check.primary }))) throw new AppError("conflict", "the conclusion is being signed and no longer changes");
    } else {
      const created = await protocols.create({ consultationId: record.consultationId, patientId: record.patientId, doctorId: doctor.id, version: 1, primary: check.primary, content, kind: "consilium" });
      if (!created || !(await this.deps.repo.linkProtocol(id, created.id))) throw new AppError("conflict", "another doctor recorded the conclusion just now: reload it");
    }
    await this.deps.repo.audit({ actor: { type: "doctor", id: doctor.id }, action: "consilium.conclusion", entityType: "consilium", entityId: id });
    return toView(await this.record(id));
  }

  async record(id: string): Promise<ConsiliumRecord> {
    const record = await this.deps.repo.byId(id);
    if (!record) throw notFound("consilium");
    return record;
  }

  /** The patient of a consilium, for the route's care check; 404 for one that does not exist. */
  async patientOf(id: string): Promise<string> {
    return (await this.record(id)).patientId;
  }

  /** Whoever called the consilium or sits in it. */
  private async member(doctor: Doctor, id: string): Promise<ConsiliumRecord> {
    const record = await this.record(id);
    if (record.organizerId !== doctor.id && !record.participants.some((p) => p.doctorId === doctor.id)) throw new AppError("forbidden", "not a doctor of this consilium");
    return record;
  }

  async participant(doctor: Doctor, id: string): Promise<ConsiliumRecord> {
    const record = await this.record(id);
    if (!record.participants.some((p) => p.doctorId === doctor.id)) throw new AppError("forbidden", "only the consilium's participating doctors do this");
    return record;
  }
}
