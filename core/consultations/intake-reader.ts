import type { ExamResult } from "../exam/exam-result";

/** What the patient told the bot before the doctor: complaint, triage answers, examination, red flags. */
export interface IntakeView {
  complaint: string;
  /** The complaint area the patient chose (core/intake/questionnaire.ts), null if they never chose one. */
  area: string | null;
  answers: Array<{ questionId: string; answer: unknown }>;
  exam: ExamResult | null;
  redFlags: string[];
  urgent: boolean;
}

/** The console's window on the intake module (which owns the Intake table); wired in bin/compose.ts. */
export interface IntakeReader {
  forConsultation(consultationId: string): Promise<IntakeView | null>;
}

export const noIntake: IntakeReader = { forConsultation: async () => null };
