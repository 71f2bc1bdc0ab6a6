import type { ExamResult } from "../exam/exam-result";

/** What the patient told the bot before the doctor: complaint, triage answers, examination, red flags. */
export interface IntakeView {
  complaint: string;
  answers: Array<{ questionId: string; answer: unknown }>;
  exam: ExamResult | null;
  redFlags: string[];
}

/**
 * The console's window on the intake module (which owns the Intake table). Until it is wired in
 * bin/compose.ts the thread shows "no intake recorded".
 */
export interface IntakeReader {
  forConsultation(consultationId: string): Promise<IntakeView | null>;
}

export const noIntake: IntakeReader = { forConsultation: async () => null };
