import { recordAudit } from "../audit/audit-log";
import { PatientMessageRepository } from "../consultations/patient-message-repository";
import type { Db } from "../db/prisma";
import type { IntakeState } from "./intake-repository";

type ConsultationKind = "async_chat" | "second_opinion";

/** The consultations an intake opens or updates, and what routing asks of the directory (core/intake/intake-consultations.ts). */
export class IntakeConsultationRepository {
  constructor(private readonly db: Db) {}

  async patientLanguage(patientId: string): Promise<string> {
    const patient = await this.db.patient.findUniqueOrThrow({ where: { id: patientId }, select: { language: true } });
    return patient.language;
  }

  /**
   * Whether someone can answer in this specialty: active in the directory, with a doctor whose account is not
   * disabled and who speaks the patient's language (the queue shows a doctor only such consultations).
   */
  async canAnswer(code: string, patientLanguage: string): Promise<boolean> {
    const specialty = await this.db.specialty.findFirst({ where: { code, active: true }, select: { code: true } });
    if (!specialty) return false;
    const doctor = await this.db.doctor.findFirst({
      where: {
        specialties: { has: code },
        languages: { has: patientLanguage },
        OR: [{ staff: { is: null } }, { staff: { is: { disabledAt: null } } }],
      },
      select: { id: true },
    });
    return doctor !== null;
  }

  /** `opened`: false when the intake's consultation existed already (a red flag opened it) and was updated. */
  async openOrUpdate(
    intake: IntakeState,
    kind: ConsultationKind,
    specialty: string,
  ): Promise<{ id: string; number: number; opened: boolean }> {
    return this.db.$transaction(async (tx) => {
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
  }

  async markUrgent(patientId: string): Promise<void> {
    await this.db.consultation.updateMany({ where: { patientId, status: { not: "closed" } }, data: { urgent: true } });
  }

  async hasOpen(patientId: string): Promise<boolean> {
    return (await this.db.consultation.count({ where: { patientId, status: { not: "closed" } } })) > 0;
  }
}
