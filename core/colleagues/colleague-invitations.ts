import type { z } from "zod";
import type { CareAccess } from "../access/care-access";
import type { AuditRepository } from "../audit/audit-repository";
import type { ProcessingConsent } from "../consents/processing-consent";
import type { ConsoleEvents } from "../realtime/console-events";
import type { ConsultationRepository } from "../consultations/consultation-repository";
import type { Doctor } from "../doctors/doctors";
import { AppError, notFound } from "../errors";
import { matchLanguage, translator } from "../i18n";
import type { Outbox } from "../outbox/outbox";
import type { SpecialtyDirectory } from "../specialties/specialty-directory";
import type { StaffMember } from "../staff/staff-member";
import type { ColleagueInvitationRepository } from "./colleague-invitation-repository";
import { answerInputSchema, invitationInputSchema, type Colleague, type ColleagueInvitation } from "./colleague-invitation";

export interface ColleagueInvitationsDeps {
  invitations: ColleagueInvitationRepository;
  access: CareAccess;
  consultations: ConsultationRepository;
  specialties: SpecialtyDirectory;
  consent: ProcessingConsent;
  outbox: Outbox;
  audit: AuditRepository;
  /** The colleague's console hears the question, the asking doctor's the answer. */
  events: ConsoleEvents;
  /** COLLEAGUE_CONSULT_TELL_PATIENT: the clinic's policy says the patient is told a colleague was consulted. */
  tellPatient: boolean;
}

/** What a protocol keeps of a cited answer: the reference, who answered, the words as answered. */
export interface ColleagueCitation {
  invitationId: string;
  colleagueName: string;
  answer: string;
  answeredAt: string;
}

/**
 * Ask a colleague (issue 18 point 1): the treating doctor's question, the colleague's acceptance and answer.
 * Question and answer are doctors-only: they stay in `ColleagueInvitation`, never become a patient's message.
 */
export class ColleagueInvitations {
  constructor(private readonly deps: ColleagueInvitationsDeps) {}

  /** The consultation's own doctor asks; the colleague reads the case from now until the invitation closes. */
  async invite(staff: StaffMember, consultationId: string, input: z.input<typeof invitationInputSchema>): Promise<ColleagueInvitation> {
    const doctor = await this.deps.access.consultationDoctor(staff, consultationId);
    const parsed = invitationInputSchema.parse(input);
    if (parsed.colleagueId === doctor.id) throw new AppError("validation", "ask another doctor, not yourself");
    if (parsed.colleagueId && !(await this.deps.invitations.doctorExists(parsed.colleagueId))) throw notFound("colleague");
    if (parsed.specialty) await this.deps.specialties.assertActive([parsed.specialty]);
    const consultation = await this.deps.consultations.addressee(consultationId);
    // Showing the case to another doctor is processing the patient's data: not after they withdrew consent.
    await this.deps.consent.require(consultation.patientId, "asking a colleague");
    const invitation = await this.deps.invitations.create({
      consultationId,
      patientId: consultation.patientId,
      invitedById: doctor.id,
      colleagueId: parsed.colleagueId ?? null,
      specialty: parsed.specialty ?? null,
      question: parsed.question,
    });
    await this.audit(doctor, "colleague.invite", invitation.id, { consultationId, colleagueId: invitation.colleagueId, specialty: invitation.specialty });
    await this.deps.events.publish({ type: "colleague.invited", invitationId: invitation.id, doctorId: invitation.colleagueId, specialty: invitation.specialty, askedById: doctor.id });
    if (this.deps.tellPatient) {
      // That someone was consulted, never what was asked or answered.
      const t = translator(matchLanguage(consultation.patientLanguage) ?? "ru", "console-patient");
      await this.deps.outbox.send(consultation.accountId, { text: t("colleague_consulted", { doctorName: doctor.name, number: consultation.number }) });
    }
    return invitation;
  }

  /** The doctors-only part of a thread: for the doctors in the patient's care (the colleague reads it in the case). */
  async forConsultation(staff: StaffMember, consultationId: string): Promise<ColleagueInvitation[]> {
    const doctor = await this.deps.access.consultationPatient(staff, consultationId);
    const list = await this.deps.invitations.forConsultation(consultationId);
    await this.deps.audit.record({ actor: actorOf(doctor), action: "colleague.list", entityType: "consultation", entityId: consultationId });
    return list;
  }

  /** Questions to this doctor, and open ones to their specialties: routing facts and the question, not the case. */
  async inbox(staff: StaffMember): Promise<ColleagueInvitation[]> {
    const doctor = this.deps.access.doctor(staff);
    const list = await this.deps.invitations.inbox(doctor.id, doctor.specialties);
    await this.deps.audit.record({ actor: actorOf(doctor), action: "colleague.inbox", entityType: "colleague_invitation", entityId: "*", meta: { ids: list.map((i) => i.id) } });
    return list;
  }

  async colleagues(staff: StaffMember): Promise<Colleague[]> {
    return this.deps.invitations.colleagues(this.deps.access.doctor(staff).id);
  }

  /** A question sent to a specialty: the first of its doctors to accept it is the colleague (409 for the others). */
  async accept(staff: StaffMember, invitationId: string): Promise<ColleagueInvitation> {
    const doctor = this.deps.access.doctor(staff);
    if (!(await this.deps.invitations.accept(invitationId, doctor.id, doctor.specialties))) {
      const row = await this.deps.invitations.byId(invitationId);
      if (!row) throw notFound("invitation");
      if (row.colleagueId === doctor.id) return row;
      if (row.colleagueId || row.status !== "open") throw new AppError("conflict", "another colleague has already accepted this question, or it is closed");
      throw new AppError("forbidden", "this question is for another specialty");
    }
    await this.audit(doctor, "colleague.accept", invitationId);
    return (await this.deps.invitations.byId(invitationId))!;
  }

  /** The colleague's answer closes the invitation, and with it their access to the case. */
  async answer(staff: StaffMember, invitationId: string, input: z.input<typeof answerInputSchema>): Promise<ColleagueInvitation> {
    const { doctor } = await this.deps.access.invitedColleague(staff, invitationId);
    const { answer } = answerInputSchema.parse(input);
    if (!(await this.deps.invitations.answer(invitationId, doctor.id, answer))) throw new AppError("conflict", "the invitation was closed meanwhile");
    await this.audit(doctor, "colleague.answer", invitationId);
    const answered = (await this.deps.invitations.byId(invitationId))!;
    await this.deps.events.publish({ type: "colleague.answered", invitationId, doctorId: answered.invitedById, specialty: null, askedById: answered.invitedById });
    return answered;
  }

  /** The treating doctor no longer needs the advice: the colleague's access ends. */
  async withdraw(staff: StaffMember, invitationId: string): Promise<ColleagueInvitation> {
    const doctor = this.deps.access.doctor(staff);
    if (!(await this.deps.invitations.withdraw(invitationId, doctor.id))) {
      const row = await this.deps.invitations.byId(invitationId);
      if (!row) throw notFound("invitation");
      if (row.invitedById !== doctor.id) throw new AppError("forbidden", "only the doctor who asked may withdraw the question");
      throw new AppError("conflict", "the invitation is already closed");
    }
    await this.audit(doctor, "colleague.withdraw", invitationId);
    return (await this.deps.invitations.byId(invitationId))!;
  }

  /** An answered invitation of the protocol's own consultation, as the protocol keeps it (see ProtocolService). */
  async citation(consultationId: string, invitationId: string): Promise<ColleagueCitation> {
    const row = await this.deps.invitations.byId(invitationId);
    if (!row || row.consultationId !== consultationId) throw notFound("colleague's answer in this consultation");
    if (row.status !== "answered" || !row.answer) throw new AppError("conflict", "the colleague has not answered yet");
    return { invitationId, colleagueName: row.colleagueName ?? "", answer: row.answer, answeredAt: row.closedAt!.toISOString() };
  }

  private audit(doctor: Doctor, action: string, invitationId: string, meta?: Record<string, unknown>) {
    return this.deps.audit.record({ actor: actorOf(doctor), action, entityType: "colleague_invitation", entityId: invitationId, meta });
  }
}

const actorOf = (doctor: Doctor) => ({ type: "doctor" as const, id: doctor.id });
