import { ConsultationDesk } from "../../core/consultations/consultation-desk";
import { ConsultationService } from "../../core/consultations/consultation-service";
import type { IntakeReader } from "../../core/consultations/intake-reader";
import { DoctorDirectory } from "../../core/doctors/doctors";
import { IntakeRepository } from "../../core/intake/intake-repository";
import { SpecialtyDirectory } from "../../core/specialties/specialty-directory";
import { StaffService } from "../../core/staff/staff-service";
import { escalationQueue } from "../../workers/escalation.worker";
import type { Foundation } from "./foundation";

/** The console's side: staff, the consultation desk, doctors and specialties, the escalation of waiting consultations. */
export function consultationsWiring({ config, db, redis, outbox, events, queues }: Foundation, options: { intake?: IntakeReader }) {
  const intakes = new IntakeRepository(db);
  const desk = new ConsultationDesk(db, outbox, events, options.intake ?? intakes);
  const escalationJobs = escalationQueue(config.ESCALATION_SWEEP_SECONDS * 1000);
  queues.open(escalationJobs);
  return {
    intakes,
    desk,
    escalationJobs,
    staff: new StaffService(db, redis, config.REDIS_PREFIX, {
      maxFailedAttempts: config.STAFF_MAX_FAILED_LOGINS,
      lockoutMs: config.STAFF_LOCKOUT_MINUTES * 60_000,
      sessionTtlMs: config.STAFF_SESSION_TTL_MINUTES * 60_000,
    }),
    specialties: new SpecialtyDirectory(db),
    consultations: new ConsultationService(db, outbox, (id, opened) => desk.publish(opened ? "consultation.opened" : "consultation.message", id)),
    doctors: new DoctorDirectory(db),
  };
}
