import type { CareAccessRepository, PatientOwned } from "./care-access-repository";
import type { Doctor } from "../doctors/doctors";
import { AppError, notFound } from "../errors";
import type { StaffMember } from "../staff/staff-member";

/**
 * Where a care relationship between a doctor and a patient comes from. Each source answers "is this doctor in
 * this patient's care?"; a source here opens every patient route (reads and writes). An invitation to advise on a
 * case (doctor-to-doctor) is narrower: it opens reading that one case, see `invitedColleague`.
 */
export type CareSource = (care: CareAccessRepository, doctorId: string, patientId: string) => Promise<boolean>;

/** The doctor holds, or held, a consultation of this patient. */
const heldConsultation: CareSource = (care, doctorId, patientId) => care.heldConsultation(doctorId, patientId);

/** The doctor is responsible for the patient's monitoring (receives their alerts). */
const responsibleDoctor: CareSource = (care, doctorId, patientId) => care.responsibleFor(doctorId, patientId);

/** The doctor decided a renewal of the patient's prescription (core/renewals): they edit and sign what follows. */
const decidedRenewal: CareSource = (care, doctorId, patientId) => care.decidedRenewal(doctorId, patientId);

/** The doctor sits in a consilium on the patient's case that is not signed yet (core/consilia). */
const consiliumParticipant: CareSource = (care, doctorId, patientId) => care.inOpenConsilium(doctorId, patientId);

export const careSources: readonly CareSource[] = [heldConsultation, responsibleDoctor, decidedRenewal, consiliumParticipant];

/** One answer for "no such patient" and "not your patient": a doctor must not learn which ids exist. */
const notInCare = () => new AppError("forbidden", "you have no care relationship with this patient");

/**
 * "May this staff member do this to this patient?" — asked by every patient- and consultation-scoped route
 * (authorization is a domain rule: STYLE.md). Roles decide first: clinical content is for doctors only, and
 * for a doctor only of the patients in their care; operators see routing facts, admins staff and settings,
 * interpreters the calls they are invited to (checked by the video service).
 */
export class CareAccess {
  constructor(
    private readonly care: CareAccessRepository,
    private readonly sources: readonly CareSource[] = careSources,
  ) {}

  async inCare(doctorId: string, patientId: string): Promise<boolean> {
    for (const source of this.sources) if (await source(this.care, doctorId, patientId)) return true;
    return false;
  }

  /** Clinical reads and writes about a patient: a doctor in the patient's care. */
  async patient(staff: StaffMember, patientId: string): Promise<Doctor> {
    const doctor = doctorOnly(staff);
    if (!(await this.inCare(doctor.id, patientId))) throw notInCare();
    await this.notRestricted(patientId);
    return doctor;
  }

  /**
   * An erased patient's record is kept only because the law requires it (core/rights/patient-erasure.ts): no
   * clinical route reads or writes it any more; it waits, untouched, for the end of its retention period.
   */
  private async notRestricted(patientId: string): Promise<void> {
    if (await this.care.erased(patientId)) throw new AppError("forbidden", "the patient's record is restricted after erasure", { reason: "record_restricted" });
  }

  /** Every patient of a batch (e.g. an import of in-person visits) must be in the doctor's care. */
  async patients(staff: StaffMember, patientIds: string[]): Promise<Doctor> {
    const doctor = doctorOnly(staff);
    for (const id of new Set(patientIds)) {
      if (!(await this.inCare(doctor.id, id))) throw notInCare();
      await this.notRestricted(id);
    }
    return doctor;
  }

  /** Identity seen in person or on a call: a doctor in the patient's care, or an admin at the front desk. */
  async identityVerifier(staff: StaffMember, patientId: string): Promise<void> {
    if (staff.role === "admin") return;
    if (staff.role !== "doctor") throw new AppError("forbidden", "identity is confirmed by the treating doctor or an admin");
    await this.patient(staff, patientId);
  }

  /** What is written into a consultation (follow-up questions, the protocol draft) is its own doctor's. */
  async consultationDoctor(staff: StaffMember, consultationId: string): Promise<Doctor> {
    const doctor = doctorOnly(staff);
    const row = await this.care.consultation(consultationId);
    if (!row) throw notFound("consultation");
    if (row.doctorId !== doctor.id) throw new AppError("forbidden", "only the consultation's doctor may do this");
    return doctor;
  }

  /** Reads about a consultation beyond its thread (its protocols): a doctor in its patient's care. */
  async consultationPatient(staff: StaffMember, consultationId: string): Promise<Doctor> {
    const doctor = doctorOnly(staff);
    const row = await this.care.consultation(consultationId);
    if (!row) throw notFound("consultation");
    await this.patient(staff, row.patientId);
    return doctor;
  }

  async protocol(staff: StaffMember, protocolId: string): Promise<Doctor> {
    return this.owned(staff, "protocol", protocolId, "protocol");
  }

  async labOrder(staff: StaffMember, orderId: string): Promise<Doctor> {
    return this.owned(staff, "labOrder", orderId, "lab order");
  }

  async ingestionToken(staff: StaffMember, tokenId: string): Promise<Doctor> {
    return this.owned(staff, "ingestionToken", tokenId, "ingestion token");
  }

  async medicationSchedule(staff: StaffMember, scheduleId: string): Promise<Doctor> {
    return this.owned(staff, "medicationSchedule", scheduleId, "medication schedule");
  }

  /** An alert is the responsible doctor's; an alert nobody is responsible for is any doctor's to pick up. */
  async alert(staff: StaffMember, alertId: string): Promise<Doctor> {
    const doctor = doctorOnly(staff);
    const row = await this.care.alert(alertId);
    if (!row) throw notFound("alert");
    if (row.doctorId === doctor.id || (row.doctorId === null && !(await this.care.responsibleDoctor(row.patientId)))) return doctor;
    return this.patient(staff, row.patientId);
  }

  /**
   * A colleague asked about a case (issue 18 point 1) reads it — intake, messages, files, readings — while the
   * invitation is open and only then: answering or withdrawing it ends the access. Reading only: nothing of the
   * patient's may be changed through an invitation, and no other route of the patient opens for it.
   */
  async invitedColleague(staff: StaffMember, invitationId: string): Promise<{ doctor: Doctor; patientId: string; consultationId: string }> {
    const doctor = doctorOnly(staff);
    const row = await this.care.invitation(invitationId);
    if (!row) throw notFound("invitation");
    if (row.colleagueId !== doctor.id) throw new AppError("forbidden", "this invitation is not addressed to you (accept it first when it was sent to a specialty)");
    if (!row.open) throw new AppError("forbidden", "the invitation is closed: the case is no longer open to you", { reason: "invitation_closed" });
    await this.notRestricted(row.patientId);
    return { doctor, patientId: row.patientId, consultationId: row.consultationId };
  }

  /** Monitoring alerts and their list are for doctors; what a doctor may see in it is the alert service's rule. */
  doctor(staff: StaffMember): Doctor {
    return doctorOnly(staff);
  }

  /** A thing that belongs to a patient: 404 when it does not exist (a random uuid tells nothing), 403 when not in care. */
  private async owned(staff: StaffMember, kind: PatientOwned, id: string, what: string): Promise<Doctor> {
    doctorOnly(staff);
    const patientId = await this.care.ownerOf(kind, id);
    if (!patientId) throw notFound(what);
    return this.patient(staff, patientId);
  }
}

function doctorOnly(staff: StaffMember): Doctor {
  if (staff.role !== "doctor" || !staff.doctor) throw new AppError("forbidden", "clinical content is for the treating doctors only");
  return staff.doctor;
}
