import { CareAccess } from "../../core/access/care-access";
import { CareAccessRepository } from "../../core/access/care-access-repository";
import { ColleagueCaseReader } from "../../core/colleagues/colleague-case";
import { ColleagueInvitationRepository } from "../../core/colleagues/colleague-invitation-repository";
import { ColleagueInvitations } from "../../core/colleagues/colleague-invitations";
import { ProcessingConsent } from "../../core/consents/processing-consent";
import { ConsultationRepository } from "../../core/consultations/consultation-repository";
import type { IntakeReader } from "../../core/consultations/intake-reader";
import type { ReadingService } from "../../core/monitoring/reading-service";
import type { ProtocolService } from "../../core/protocols/protocol-service";
import type { SpecialtyDirectory } from "../../core/specialties/specialty-directory";
import type { Foundation } from "./foundation";

/** Ask a colleague (issue 18 point 1): invitations, the colleague's view of the case, citing the answer. */
export function colleaguesWiring(
  { config, db, outbox, audit, files, events }: Foundation,
  others: { intake: IntakeReader; specialties: SpecialtyDirectory; readings: ReadingService; protocols: ProtocolService },
) {
  const access = new CareAccess(new CareAccessRepository(db));
  const invitations = new ColleagueInvitationRepository(db);
  const consultations = new ConsultationRepository(db);
  return {
    invitations: new ColleagueInvitations({
      invitations,
      access,
      consultations,
      specialties: others.specialties,
      consent: new ProcessingConsent(db),
      outbox,
      audit,
      events,
      tellPatient: config.COLLEAGUE_CONSULT_TELL_PATIENT,
    }),
    caseReader: new ColleagueCaseReader({ access, invitations, consultations, intake: others.intake, readings: others.readings, audit }),
    protocols: others.protocols,
    files,
  };
}
