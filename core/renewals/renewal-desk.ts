import type { AuditRepository } from "../audit/audit-repository";
import type { Doctor } from "../doctors/doctors";
import { AppError, notFound } from "../errors";
import type { PatientNotifier } from "../patients/patient-notifier";
import type { InPersonVisits } from "../protocols/in-person-visits";
import { protocolContentSchema, type ProtocolContent } from "../protocols/protocol";
import type { ProtocolService } from "../protocols/protocol-service";
import type { Decision, RenewalItem, RenewalRow } from "./renewal";
import { assertRecentVisit, medicinesText, renewable, visitBehind } from "./renewal-eligibility";
import type { RenewalRepository, SignedVersion } from "./renewal-repository";
import type { RenewalSettings } from "./renewal-requests";

const DAY_MS = 86_400_000;
type Outcome = { status: "approved" | "changed" | "declined"; declineReason?: string; resultProtocolId?: string };
const verbs = { approved: "approve", changed: "change", declined: "decline" } as const;

/** The same prescriptions, marked as what the new version does with each (continue: renewed; change: to be edited). */
const restated = (content: ProtocolContent, treatmentChange: "continue" | "change"): ProtocolContent => ({
  ...content,
  prescriptions: renewable(content).map((p) => ({ ...p, treatmentChange })),
});

/**
 * The doctor's side of a renewal. A request waits for its prescriber; the specialty's doctors see it too once the
 * prescriber has waited RENEWAL_PRESCRIBER_HOURS or no longer works here (their staff account disabled). Deciding is
 * done once: approve (a new signed protocol version renewing the prescriptions; its reminders follow), change (a
 * correction draft to edit and sign) or decline with a reason. The patient is told each decision in their language.
 */
export class RenewalDesk {
  constructor(
    private readonly repo: RenewalRepository,
    private readonly protocols: ProtocolService,
    private readonly visits: InPersonVisits,
    private readonly audit: AuditRepository,
    private readonly notifier: PatientNotifier,
    /** The signing certificates: approving signs a new version, whose documents need a usable one. */
    private readonly certificates: { assertUsable(doctorId: string): Promise<unknown> },
    private readonly settings: RenewalSettings,
    private readonly clock: () => Date,
    /** A decision's writes (new protocol version, signature, decision, the patient's message) commit together. */
    private readonly transaction: <T>(work: () => Promise<T>) => Promise<T>,
  ) {}

  async queue(doctor: Doctor): Promise<RenewalItem[]> {
    const rows = await this.routed(doctor, await this.repo.openFor(doctor.id, doctor.specialties));
    const items: RenewalItem[] = [];
    for (const row of rows) {
      const version = await this.repo.signedVersion(row.protocolId);
      if (version) items.push(await this.item(doctor, row, version));
    }
    // Each request shows the patient's readings and adherence: a read of health data.
    for (const patientId of new Set(items.map((i) => i.patientId))) {
      await this.audit.record({ actor: { type: "doctor", id: doctor.id }, action: "renewal.read", entityType: "patient", entityId: patientId });
    }
    return items;
  }

  approve(doctor: Doctor, renewalId: string): Promise<Decision> {
    return this.transaction(() => this.approveNow(doctor, renewalId));
  }

  private async approveNow(doctor: Doctor, renewalId: string): Promise<Decision> {
    const { row, version, content } = await this.open(doctor, renewalId);
    assertRecentVisit(content, await this.visits.listForPatient(row.patientId), this.settings.maxVisitAgeDays, this.clock());
    await this.certificates.assertUsable(doctor.id);
    const draft = await this.protocols.correct(doctor, version.id);
    await this.protocols.update(doctor, draft.id, restated(content, "continue"));
    // Signing queues the documents (the new signed prescription) and the reminders, which the renewal extends.
    await this.protocols.sign(doctor, draft.id);
    await this.decided(doctor, row, { status: "approved", resultProtocolId: draft.id });
    await this.tell(row.patientId, "approved", { doctor: doctor.name, medicines: medicinesText(renewable(content)) });
    return { id: row.id, status: "approved", resultProtocolId: draft.id, consultationId: version.consultationId };
  }

  /** A follow-up of the prescription: a correction draft with its medicines marked `change`, for the doctor to edit and sign. */
  change(doctor: Doctor, renewalId: string): Promise<Decision> {
    return this.transaction(() => this.changeNow(doctor, renewalId));
  }

  private async changeNow(doctor: Doctor, renewalId: string): Promise<Decision> {
    const { row, version, content } = await this.open(doctor, renewalId);
    const draft = await this.protocols.correct(doctor, version.id);
    await this.protocols.update(doctor, draft.id, restated(content, "change"));
    await this.decided(doctor, row, { status: "changed", resultProtocolId: draft.id });
    await this.tell(row.patientId, "changed", { doctor: doctor.name, medicines: medicinesText(renewable(content)) });
    return { id: row.id, status: "changed", resultProtocolId: draft.id, consultationId: version.consultationId };
  }

  async decline(doctor: Doctor, renewalId: string, reason: string): Promise<Decision> {
    const { row, version, content } = await this.open(doctor, renewalId);
    await this.decided(doctor, row, { status: "declined", declineReason: reason });
    await this.tell(row.patientId, "declined", { doctor: doctor.name, medicines: medicinesText(renewable(content)), reason });
    return { id: row.id, status: "declined", resultProtocolId: null, consultationId: version.consultationId };
  }

  /** Requests this doctor may decide: their own prescriptions, or their specialty's once the prescriber is away; none of an erased patient. */
  private async routed(doctor: Doctor, rows: RenewalRow[]): Promise<RenewalRow[]> {
    const departed = await this.repo.departedDoctors([...new Set(rows.map((r) => r.prescriberId))]);
    const erased = await this.repo.erasedPatients([...new Set(rows.map((r) => r.patientId))]);
    const waitedSince = this.clock().getTime() - this.settings.prescriberHours * 3600_000;
    return rows.filter(
      (row) =>
        !erased.has(row.patientId) &&
        (row.prescriberId === doctor.id ||
          (doctor.specialties.includes(row.specialty) && (departed.has(row.prescriberId) || row.createdAt.getTime() <= waitedSince))),
    );
  }

  /** An open request routed to this doctor; another's is 404 like a missing one (ids tell nothing). */
  private async open(doctor: Doctor, renewalId: string) {
    const row = await this.repo.byId(renewalId);
    if (!row || !(await this.routed(doctor, [row])).length) throw notFound("renewal request");
    if (row.status !== "requested") throw new AppError("conflict", `the request is already ${row.status}`);
    const version = await this.repo.signedVersion(row.protocolId);
    if (!version) throw notFound("prescription");
    return { row, version, content: protocolContentSchema.parse(version.content) };
  }

  private async decided(doctor: Doctor, row: RenewalRow, decision: Outcome) {
    if (!(await this.repo.decide(row.id, { ...decision, decidedById: doctor.id }, this.clock()))) throw new AppError("conflict", "the request was just decided");
    await this.audit.record({
      actor: { type: "doctor", id: doctor.id },
      action: `renewal.${verbs[decision.status]}`,
      entityType: "patient",
      entityId: row.patientId,
      meta: { renewalId: row.id, protocolId: row.protocolId, resultProtocolId: decision.resultProtocolId ?? null },
    });
  }

  private tell(patientId: string, key: "approved" | "changed" | "declined", values: Record<string, string>) {
    return this.notifier.notify(patientId, (t) => ({ text: t(`decision.${key}`, values) }), "renewals");
  }

  private async item(doctor: Doctor, row: RenewalRow, version: SignedVersion): Promise<RenewalItem> {
    const now = this.clock();
    const since = new Date(now.getTime() - 30 * DAY_MS);
    const content = protocolContentSchema.parse(version.content);
    const visit = visitBehind(content, await this.visits.listForPatient(row.patientId), now);
    return {
      id: row.id,
      status: row.status,
      via: row.via === "reminder" ? "reminder" : "command",
      createdAt: row.createdAt.toISOString(),
      patientId: row.patientId,
      patientLanguage: await this.repo.patientLanguage(row.patientId),
      consultationId: version.consultationId,
      consultationNumber: version.consultationNumber,
      protocolId: version.id,
      protocolVersion: version.version,
      specialty: row.specialty,
      mine: row.prescriberId === doctor.id,
      prescriberName: await this.repo.doctorName(row.prescriberId),
      prescriptions: renewable(content).map(({ medicine, dose, schedule, durationDays }) => ({ medicine, dose, schedule, durationDays })),
      lastVisitAt: visit?.visitedAt.toISOString() ?? null,
      readings: (await this.repo.latestReadings(row.patientId, since)).map((r) => ({ ...r, measuredAt: r.measuredAt.toISOString() })),
      adherence: await this.repo.adherence(row.patientId, version.consultationId, since, now),
    };
  }
}
