import { AppError } from "../errors";
import { icd10Category } from "../icd10/icd10";
import type { InPersonVisit, ProtocolContent } from "./protocol";

export type Restricted = "diagnosis" | "prescription" | "treatment_change";

export interface RemoteCareCheck {
  primary: boolean;
  /** The in-person visits this consultation follows up (empty when primary). */
  followsUp: string[];
  refused: Restricted[];
}

/**
 * 323-FZ art. 36.2 and Order 965n: remotely a doctor may correct a treatment already set in person, but may not
 * diagnose or prescribe in a primary consultation. A consultation is a follow-up for the problem when the patient
 * had an in-person visit at the clinic, at or before `now`, that either
 *  - the doctor linked explicitly (`followUpOfVisitId`, a staff-linked problem), or
 *  - was coded in the same ICD-10 three-character category as a code of the protocol's assessment.
 * Otherwise it is primary, and the protocol may hold only a preliminary assessment, recommendations and referrals.
 */
export function checkRemoteCare(content: ProtocolContent, visits: InPersonVisit[], now = new Date()): RemoteCareCheck {
  const categories = new Set(content.assessment.codes.map(icd10Category));
  const followsUp = visits
    .filter((visit) => visit.visitedAt <= now)
    .filter((visit) => visit.id === content.followUpOfVisitId || categories.has(icd10Category(visit.icd10Code)))
    .map((visit) => visit.id);
  const primary = followsUp.length === 0;
  const refused: Restricted[] = [];
  if (primary) {
    if (content.assessment.kind === "diagnosis") refused.push("diagnosis");
    if (content.prescriptions.some((p) => p.treatmentChange === "new")) refused.push("prescription");
    if (content.prescriptions.some((p) => p.treatmentChange !== "new")) refused.push("treatment_change");
  }
  return { primary, followsUp, refused };
}

const explanations: Record<Restricted, { ru: string; en: string }> = {
  diagnosis: {
    ru: "Диагноз в первичной дистанционной консультации не ставится: укажите предварительную оценку (рабочую гипотезу).",
    en: "A diagnosis cannot be made in a primary remote consultation: record a preliminary assessment (working assumption).",
  },
  prescription: {
    ru: "Назначать лечение в первичной дистанционной консультации нельзя: направьте пациента на очный приём.",
    en: "Treatment cannot be prescribed in a primary remote consultation: refer the patient to an in-person visit.",
  },
  treatment_change: {
    ru: "Изменить лечение дистанционно можно только после очного приёма по этой проблеме.",
    en: "Treatment can be changed remotely only after an in-person visit for this problem.",
  },
};

const why = {
  ru: "Консультация первичная: у пациента нет очного приёма в клинике по этой проблеме (той же рубрике МКБ-10 или связанного врачом). Допустимы предварительная оценка, рекомендации и направление на очный приём (323-ФЗ ст. 36.2, приказ 965н).",
  en: "This is a primary consultation: the patient has no in-person visit at the clinic for this problem (same ICD-10 category or linked by the doctor). Only a preliminary assessment, recommendations and a referral to an in-person visit are allowed (323-FZ art. 36.2, Order 965n).",
};

/** Throws the error the console shows when the protocol holds what a primary consultation may not. */
export function enforceRemoteCare(check: RemoteCareCheck): void {
  if (check.refused.length === 0) return;
  throw new AppError("primary_consultation", why.en, {
    refused: check.refused,
    explanation: {
      ru: [why.ru, ...check.refused.map((r) => explanations[r].ru)].join(" "),
      en: [why.en, ...check.refused.map((r) => explanations[r].en)].join(" "),
    },
  });
}
