import type { IntakeConsultationRepository } from "./intake-consultation-repository";
import type { Answer, ComplaintArea } from "./questionnaire";

/** Where a consultation goes when no specialist fits: every clinic has general practitioners. */
export const FALLBACK_SPECIALTY = "gp";

/**
 * The specialties that fit a complaint, most fitting first (codes of the Specialty table). A clinician changes the
 * routing here, as the questions in questionnaire.ts. Empty means the general practitioner.
 */
export function specialtyCandidates(area: ComplaintArea | null, answers: Answer[]): string[] {
  const said = (questionId: string) => answers.find((a) => a.questionId === questionId)?.answer;
  switch (area) {
    case "skin":
      return ["dermatology"];
    case "child":
      return ["pediatrics"];
    case "mental":
      return ["psychiatry"];
    case "head":
      return ["neurology"];
    // Numbness or weakness of a limb is a nerve question; a sprain after a fall is the GP's first.
    case "back_limbs":
      return said("numbness") === true ? ["neurology"] : [];
    // Pain that grows with breathing is usually the chest wall or the lungs, not the heart.
    case "chest":
      return said("chest_pain_kind") === "on_breathing" ? [] : ["cardiology"];
    default:
      return [];
  }
}

/**
 * The first fitting specialty that someone can actually answer: active in the directory, with a doctor whose account
 * is not disabled and who speaks the patient's language (the queue shows a doctor only such consultations).
 * Otherwise the general practitioner.
 */
export async function chooseSpecialty(
  directory: Pick<IntakeConsultationRepository, "canAnswer">,
  candidates: string[],
  patientLanguage: string,
): Promise<string> {
  for (const code of candidates) {
    if (await directory.canAnswer(code, patientLanguage)) return code;
  }
  return FALLBACK_SPECIALTY;
}
