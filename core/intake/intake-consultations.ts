import type { Db } from "../db/prisma";
import { IntakeConsultationRepository } from "./intake-consultation-repository";
import type { IntakeState } from "./intake-repository";
import { chooseSpecialty, specialtyCandidates } from "./specialty-routing";

export type ConsultationFormat = "async" | "video" | "appointment" | "second_opinion";

/**
 * Opens the consultation an intake leads to, with the intake attached, or updates the one a red flag already
 * opened (an urgent case reaches the console at once, before the patient finishes the questionnaire).
 */
export class IntakeConsultations {
  private readonly repository: IntakeConsultationRepository;

  constructor(
    db: Db,
    /** Tells the console after the commit, as for any new consultation. */
    private readonly publishOpened: (consultationId: string) => Promise<void>,
  ) {
    this.repository = new IntakeConsultationRepository(db);
  }

  async open(intake: IntakeState, format?: ConsultationFormat): Promise<{ id: string; number: number }> {
    const kind = format === "second_opinion" ? "second_opinion" : "async_chat";
    const language = await this.repository.patientLanguage(intake.patientId);
    // The area and the answers choose the specialty (a rash goes to a dermatologist when one can answer).
    const specialty = await chooseSpecialty(this.repository, specialtyCandidates(intake.area, intake.answers), language);
    const result = await this.repository.openOrUpdate(intake, kind, specialty);
    if (result.opened) await this.publishOpened(result.id);
    return { id: result.id, number: result.number };
  }

  /** A red flag in a message to an open consultation: the doctor sees it first in the queue. */
  async markUrgent(patientId: string): Promise<void> {
    await this.repository.markUrgent(patientId);
  }

  async hasOpen(patientId: string): Promise<boolean> {
    return this.repository.hasOpen(patientId);
  }
}
