import { CareAccess } from "../../core/access/care-access";
import { CareAccessRepository } from "../../core/access/care-access-repository";
import type { ConsultationDesk } from "../../core/consultations/consultation-desk";
import { translationButtons } from "../../core/second-opinion/translation-buttons";
import { TranslationRepository } from "../../core/second-opinion/translation-repository";
import { Translations } from "../../core/second-opinion/translations";
import type { Foundation } from "./foundation";

/**
 * Second opinions (issue 18 point 3): the documents arrive through the attachment receiver and the conclusion is a
 * protocol of the consultation (core/documents makes its PDF); what is wired here is the translation of documents.
 */
export function secondOpinionWiring({ db, files, audit }: Foundation, desk: ConsultationDesk) {
  const translations = new Translations({
    repo: new TranslationRepository(db),
    files,
    audit,
    access: new CareAccess(new CareAccessRepository(db)),
    onChange: (consultationId) => desk.publish("consultation.message", consultationId),
  });
  return { translations, buttons: translationButtons(translations) };
}
