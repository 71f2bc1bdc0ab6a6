import { useEffect, useState } from "react";
import { api, fileUrl, type ConsultationTranslation, type Thread } from "./api";
import { errorText } from "./error-text";
import { useT } from "./i18n";

/**
 * A second opinion's documents as the doctor reviews them: each file the patient sent, a DICOM scan marked for the
 * clinic's viewer, and a translation (when the patient asked for one) beside its original. The conclusion is written
 * in the protocol below and becomes the signed second-opinion PDF.
 */
export function SecondOpinionPanel({ thread, live }: { thread: Thread; live: number }) {
  const { t } = useT();
  const [translations, setTranslations] = useState<ConsultationTranslation[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<{ translations: ConsultationTranslation[] }>(`/consultations/${thread.id}/translations`).then(
      (r) => setTranslations(r.translations),
      (e) => setError(errorText(t, e)),
    );
  }, [thread.id, live]);
  const files = thread.messages.filter((m) => m.authorRole === "patient").flatMap((m) => m.attachments);
  return (
    <section className="second-opinion" data-testid="second-opinion">
      <h3>{t("secondOpinion.title")}</h3>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {files.length === 0 && <p className="muted">{t("secondOpinion.noFiles")}</p>}
      <ul className="documents">
        {files.map((file) => {
          const translation = translations.find((tr) => tr.fileId === file.fileId);
          return (
            <li key={file.fileId} data-file={file.fileId}>
              <a href={fileUrl(thread.id, file.fileId)} target="_blank" rel="noreferrer">
                📎 {file.fileName}
              </a>{" "}
              <span className="tag">{t(`secondOpinion.kind.${file.kind}`)}</span>
              {file.kind === "dicom" && <p className="muted" data-testid="dicom-note">{t("secondOpinion.dicomNote")}</p>}
              {translation?.status === "requested" && <p className="tag amber">{t("secondOpinion.translationRequested")}</p>}
              {translation?.translation && (
                <blockquote className="translation" data-testid="translation">
                  <strong>{t("secondOpinion.translation")}:</strong> {translation.translation}
                </blockquote>
              )}
            </li>
          );
        })}
      </ul>
      <p className="muted">{t("secondOpinion.conclusionHint")}</p>
    </section>
  );
}
