import type { Db } from "../db/prisma";

/** Things that belong to one patient, found by their own id. */
export type PatientOwned = "protocol" | "labOrder" | "ingestionToken" | "medicationSchedule";

/** The facts care-access decisions are made of. */
export class CareAccessRepository {
  constructor(private readonly db: Db) {}

  async heldConsultation(doctorId: string, patientId: string): Promise<boolean> {
    return (await this.db.consultation.count({ where: { patientId, doctorId }, take: 1 })) > 0;
  }

  async responsibleFor(doctorId: string, patientId: string): Promise<boolean> {
    return (await this.db.monitoringPlan.count({ where: { patientId, doctorId }, take: 1 })) > 0;
  }

  async decidedRenewal(doctorId: string, patientId: string): Promise<boolean> {
    return (await this.db.prescriptionRenewal.count({ where: { patientId, decidedById: doctorId }, take: 1 })) > 0;
  }

  async inOpenConsilium(doctorId: string, patientId: string): Promise<boolean> {
    return (await this.db.consiliumParticipant.count({ where: { doctorId, consilium: { patientId, status: { not: "signed" } } }, take: 1 })) > 0;
  }

  /** The doctor responsible for the patient's monitoring, if any. */
  async responsibleDoctor(patientId: string): Promise<string | null> {
    return (await this.db.monitoringPlan.findUnique({ where: { patientId }, select: { doctorId: true } }))?.doctorId ?? null;
  }

  async erased(patientId: string): Promise<boolean> {
    return Boolean((await this.db.patient.findUnique({ where: { id: patientId }, select: { erasedAt: true } }))?.erasedAt);
  }

  async consultation(consultationId: string): Promise<{ patientId: string; doctorId: string | null } | undefined> {
    return (await this.db.consultation.findUnique({ where: { id: consultationId }, select: { patientId: true, doctorId: true } })) ?? undefined;
  }

  async alert(alertId: string): Promise<{ patientId: string; doctorId: string | null } | undefined> {
    return (await this.db.monitoringAlert.findUnique({ where: { id: alertId }, select: { patientId: true, doctorId: true } })) ?? undefined;
  }

  /** An invitation into a case (doctor-to-doctor): whose case, whom it invites, whether it is still open. */
  async invitation(invitationId: string): Promise<{ patientId: string; consultationId: string; colleagueId: string | null; open: boolean } | undefined> {
    const row = await this.db.colleagueInvitation.findUnique({
      where: { id: invitationId },
      select: { patientId: true, consultationId: true, colleagueId: true, status: true },
    });
    return row ? { patientId: row.patientId, consultationId: row.consultationId, colleagueId: row.colleagueId, open: row.status === "open" } : undefined;
  }

  /** Whose the thing is; undefined when it does not exist. */
  async ownerOf(kind: PatientOwned, id: string): Promise<string | undefined> {
    const query = { where: { id }, select: { patientId: true } } as const;
    const row =
      kind === "protocol"
        ? await this.db.protocol.findUnique(query)
        : kind === "labOrder"
          ? await this.db.labOrder.findUnique(query)
          : kind === "ingestionToken"
            ? await this.db.ingestionToken.findUnique(query)
            : await this.db.medicationSchedule.findUnique(query);
    return row?.patientId;
  }
}
