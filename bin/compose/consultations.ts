import { ProcessingConsent } from "../../core/consents/processing-consent";
import { ConsultationDesk } from "../../core/consultations/consultation-desk";
import { ConsultationRepository } from "../../core/consultations/consultation-repository";
import { ConsultationService } from "../../core/consultations/consultation-service";
import type { IntakeReader } from "../../core/consultations/intake-reader";
import { PatientMessageRepository } from "../../core/consultations/patient-message-repository";
import { DoctorDirectory } from "../../core/doctors/doctor-directory";
import { DoctorRepository } from "../../core/doctors/doctor-repository";
import { IntakeRepository } from "../../core/intake/intake-repository";
import { InPersonVisitRepository } from "../../core/protocols/in-person-visit-repository";
import { InPersonVisits } from "../../core/protocols/in-person-visits";
import { SpecialtyDirectory } from "../../core/specialties/specialty-directory";
import { SpecialtyRepository } from "../../core/specialties/specialty-repository";
import { StaffRepository } from "../../core/staff/staff-repository";
import { StaffService } from "../../core/staff/staff-service";
import { escalationQueue } from "../../workers/escalation.worker";
import type { Foundation } from "./foundation";

/**
 * The console's side: staff, the consultation desk, doctors and specialties, in-person visits (the thread shows
 * them), the one writer of a patient's messages, the escalation of waiting consultations.
 */
export function consultationsWiring({ config, db, redis, outbox, events, files, audit, queues }: Foundation, options: { intake?: IntakeReader }) {
  const intakes = new IntakeRepository(db);
  const specialties = new SpecialtyDirectory(new SpecialtyRepository(db));
  const doctors = new DoctorDirectory(new DoctorRepository(db));
  const visits = new InPersonVisits(new InPersonVisitRepository(db), audit);
  const consultationRows = new ConsultationRepository(db);
  const desk = new ConsultationDesk({
    consultations: consultationRows,
    outbox,
    events,
    intake: options.intake ?? intakes,
    consent: new ProcessingConsent(db),
    visits,
    doctors,
    files,
    audit,
  });
  const patientMessages = new PatientMessageRepository(db);
  const escalationJobs = escalationQueue(config.ESCALATION_SWEEP_SECONDS * 1000);
  queues.open(escalationJobs);
  return {
    intakes,
    desk,
    consultationRows,
    escalationJobs,
    staff: new StaffService({ members: new StaffRepository(db), specialties, audit }, redis, config.REDIS_PREFIX, {
      maxFailedAttempts: config.STAFF_MAX_FAILED_LOGINS,
      lockoutMs: config.STAFF_LOCKOUT_MINUTES * 60_000,
      sessionTtlMs: config.STAFF_SESSION_TTL_MINUTES * 60_000,
    }),
    specialties,
    visits,
    patientMessages,
    consultations: new ConsultationService(patientMessages, (id, opened) => desk.publish(opened ? "consultation.opened" : "consultation.message", id)),
    doctors,
  };
}
