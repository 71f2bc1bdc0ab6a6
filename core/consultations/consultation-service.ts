import { recordAudit } from "../audit/audit-log";
import type { PatientMessageRepository } from "./patient-message-repository";

export class ConsultationService {
  constructor(
    private readonly messages: PatientMessageRepository,
    /** Told after the commit, so the console shows the change live. */
    private readonly onPatientMessage?: (consultationId: string, opened: boolean) => Promise<void>,
  ) {}

  /** A patient's text joins their open consultation, or opens a new asynchronous one. */
  async acceptPatientMessage(
    patientId: string,
    accountId: string,
    text: string,
  ): Promise<{ consultationNumber: number; opened: boolean }> {
    const result = await this.messages.transaction(async (messages, tx) => {
      const open = await messages.openConsultation(patientId);
      const consultation = await messages.write(open ?? { patientId, accountId, kind: "async_chat" }, { text });
      await recordAudit(tx, {
        actor: { type: "patient", id: patientId },
        action: consultation.opened ? "consultation.open" : "consultation.message",
        entityType: "consultation",
        entityId: consultation.id,
      });
      return consultation;
    });
    await this.onPatientMessage?.(result.id, result.opened);
    return { consultationNumber: result.number, opened: result.opened };
  }
}
