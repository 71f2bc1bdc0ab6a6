import { recordAudit } from "../audit/audit-log";
import { PatientMessageRepository } from "../consultations/patient-message-repository";
import type { Db } from "../db/prisma";
import type { IntakeState } from "./intake-repository";
import { chooseSpecialty, specialtyCandidates } from "./specialty-routing";

export type ConsultationFormat = "async" | "video" | "appointment" | "second_opinion";

/**
 * Opens the consultation an intake leads to, with the intake attached, or updates the one a red flag already
 * opened (an urgent case reaches the console at once, before the patient finishes the questionnaire).
 */
export class IntakeConsultations {
  constructor(
    private readonly db: Db,
    /** Tells the console after the commit, as for any new consultation. */
    private readonly publishOpened: (consultationId: string) => Promise<void>,
  ) {}

  async open(intake: IntakeState, format?: ConsultationFormat): Promise<{ id: string; number: number }> {
    const kind = format === "second_opinion" ? "second_opinion" : "async_chat";
    const patient = await this.db.patient.findUniqueOrThrow({ where: { id: intake.patientId }, select: { language: true } });
    // The area and the answers choose the specialty (a rash goes to a dermatologist when one can answer).
    const specialty = await chooseSpecialty(this.db, specialtyCandidates(intake.area, intake.answers), patient.language);
    const result = await this.db.$transaction(async (tx) => {
      if (intake.consultationId) {
        // A red flag opened it already and doctors on duty may be looking at it: an urgent case is not moved.
        const existing = await tx.consultation.update({
          where: { id: intake.consultationId },
          data: { kind, urgent: intake.urgent || undefined, ...(intake.urgent ? {} : { specialty }) },
          select: { id: true, number: true },
        });
        return { ...existing, opened: false };
      }
      const consultation = await new PatientMessageRepository(this.db, tx).write(
        { patientId: intake.patientId, accountId: intake.accountId, kind, urgent: intake.urgent, specialty },
        { text: intake.complaint },
      );
      await tx.intake.update({ where: { id: intake.id }, data: { consultationId: consultation.id } });
      await recordAudit(tx, {
        actor: { type: "patient", id: intake.patientId },
        action: "consultation.open",
        entityType: "consultation",
        entityId: consultation.id,
        meta: { intakeId: intake.id, urgent: intake.urgent, specialty },
      });
      return { id: consultation.id, number: consultation.number, opened: true };
    });
    if (result.opened) await this.publishOpened(result.id);
    return { id: result.id, number: result.number };
  }

  /** A red flag in a message to an open consultation: the doctor sees it first in the queue. */
  async markUrgent(patientId: string): Promise<void> {
    await this.db.consultation.updateMany({ where: { patientId, status: { not: "closed" } }, data: { urgent: true } });
  }

  async hasOpen(patientId: string): Promise<boolean> {
    return (await this.db.consultation.count({ where: { patientId, status: { not: "closed" } } })) > 0;
  }
}
