import type { AuditRepository } from "../audit/audit-repository";
import { AppError, notFound } from "../errors";
import type { InPersonVisits } from "../protocols/in-person-visits";
import { protocolContentSchema, type Prescription } from "../protocols/protocol";
import type { RenewalVia } from "./renewal";
import { assertRecentVisit, isActive, renewable } from "./renewal-eligibility";
import type { RenewalRepository, SignedVersion } from "./renewal-repository";

export interface RenewalSettings {
  /** RENEWAL_MAX_VISIT_AGE_DAYS */
  maxVisitAgeDays: number;
  /** RENEWAL_PRESCRIBER_HOURS */
  prescriberHours: number;
}

export interface ActivePrescription extends SignedVersion {
  items: Prescription[];
}

/** The patient's side of a renewal: which prescriptions are active, and asking for one (from any messenger). */
export class RenewalRequests {
  constructor(
    private readonly repo: RenewalRepository,
    private readonly visits: InPersonVisits,
    private readonly audit: AuditRepository,
    private readonly settings: RenewalSettings,
    private readonly clock: () => Date,
  ) {}

  async active(patientId: string): Promise<ActivePrescription[]> {
    const now = this.clock();
    const versions = await this.repo.latestSignedVersions(patientId);
    return versions
      .map((version) => ({ ...version, content: protocolContentSchema.parse(version.content) }))
      .filter((version) => isActive(version.content, version.signedAt, now))
      .map((version) => ({ ...version, items: renewable(version.content) }));
  }

  /** The prescription behind a medication reminder: the newest signed version of the consultation it came from. */
  async fromSchedule(patientId: string, scheduleId: string): Promise<ActivePrescription> {
    const consultationId = await this.repo.scheduleConsultation(patientId, scheduleId);
    const found = (await this.active(patientId)).find((p) => p.consultationId === consultationId);
    if (!found) throw new AppError("conflict", "the prescription is no longer active", { reason: "not_active" });
    return found;
  }

  /**
   * Puts the request in the prescriber's queue. Refused when the prescription is not the patient's current one or the
   * in-person visit it rests on is too old; asking again while a request is open changes nothing (`created: false`).
   */
  async request(patientId: string, protocolId: string, via: RenewalVia) {
    const prescription = (await this.active(patientId)).find((p) => p.id === protocolId);
    if (!prescription) {
      if (!(await this.repo.signedVersion(protocolId))) throw notFound("prescription");
      throw new AppError("conflict", "the prescription is no longer active", { reason: "not_active" });
    }
    assertRecentVisit(protocolContentSchema.parse(prescription.content), await this.visits.listForPatient(patientId), this.settings.maxVisitAgeDays, this.clock());
    const { row, created } = await this.repo.open({
      patientId,
      protocolId,
      consultationId: prescription.consultationId,
      prescriberId: prescription.doctorId,
      specialty: prescription.specialty,
      via,
    });
    if (created) {
      await this.audit.record({ actor: { type: "patient", id: patientId }, action: "renewal.request", entityType: "protocol", entityId: protocolId, meta: { renewalId: row.id, via } });
    }
    return { renewalId: row.id, created, items: prescription.items };
  }
}
