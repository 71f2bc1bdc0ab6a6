import type { InPersonVisits } from "../../core/protocols/in-person-visits";
import type { ProtocolService } from "../../core/protocols/protocol-service";
import type { SigningCertificates } from "../../core/documents/signing-certificates";
import { RenewalDesk } from "../../core/renewals/renewal-desk";
import { renewalDialogue } from "../../core/renewals/renewal-dialogue";
import { RenewalRepository } from "../../core/renewals/renewal-repository";
import { RenewalRequests, type RenewalSettings } from "../../core/renewals/renewal-requests";
import type { Foundation } from "./foundation";

/**
 * Prescription renewal (issue 18 point 4): the patient asks in the dialogue (`/renew`, or the button under a
 * medication reminder), the doctor decides in the console; an approval is a new signed protocol version, so its
 * documents and reminders follow from the protocol service's signing.
 */
export function renewalsWiring(
  { config, db, audit, notifier, unitOfWork }: Foundation,
  visits: InPersonVisits,
  { protocols, certificates }: { protocols: ProtocolService; certificates: SigningCertificates },
) {
  const repo = new RenewalRepository(db);
  const settings: RenewalSettings = { maxVisitAgeDays: config.RENEWAL_MAX_VISIT_AGE_DAYS, prescriberHours: config.RENEWAL_PRESCRIBER_HOURS };
  const clock = () => new Date();
  const requests = new RenewalRequests(repo, visits, audit, settings, clock);
  return {
    renewalRequests: requests,
    renewalDesk: new RenewalDesk(repo, protocols, visits, audit, notifier, certificates, settings, clock, (work) => unitOfWork.run(work)),
    renewalDialogue: renewalDialogue(requests),
  };
}
