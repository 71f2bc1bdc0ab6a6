import { useEffect, useState } from "react";
import { errorText } from "./error-text";
import { api } from "./api";
import { useT } from "./i18n";

const languages = ["ru", "en", "uz", "tg", "ky", "az"] as const;
type Texts = Record<(typeof languages)[number], string>;
interface ConsentText {
  kind: "personal_data" | "remote_care";
  version: string;
  published: boolean;
  publishedAt: string | null;
  texts: Texts;
}

/**
 * The consent texts patients are asked now, and a new version: once published every patient is asked again
 * before anything medical, and the consents they give name the new version.
 */
export function ConsentTexts() {
  const { t, language } = useT();
  const [consents, setConsents] = useState<ConsentText[]>([]);
  const [draft, setDraft] = useState<{ kind: ConsentText["kind"]; version: string; texts: Texts } | null>(null);
  const [message, setMessage] = useState<{ kind: "error" | "ok"; text: string } | null>(null);

  const load = () => api<{ consents: ConsentText[] }>("/consent-texts").then((r) => setConsents(r.consents));
  useEffect(() => void load().catch((e) => setMessage({ kind: "error", text: errorText(t, e) })), []);

  const publish = async () => {
    if (!draft) return;
    try {
      await api(`/consent-texts/${draft.kind}`, { method: "POST", body: { version: draft.version, texts: draft.texts } });
      setDraft(null);
      setMessage({ kind: "ok", text: t("consentTexts.published") });
      await load();
    } catch (e) {
      setMessage({ kind: "error", text: errorText(t, e) });
    }
  };

  return (
    <>
      <h2>{t("consentTexts.title")}</h2>
      {consents.map((c) => (
        <div key={c.kind} className="consent-text" data-kind={c.kind}>
          <h3>
            {t(`consentTexts.kind.${c.kind}`)} · {t("consentTexts.version", { version: c.version })}
            {c.publishedAt && ` · ${new Date(c.publishedAt).toLocaleDateString(language)}`}
            {!c.published && ` · ${t("consentTexts.shipped")}`}
          </h3>
          <p className="muted">{c.texts[language === "ru" ? "ru" : "en"]}</p>
          <button className="small" onClick={() => setDraft({ kind: c.kind, version: "", texts: { ...c.texts } })}>
            {t("consentTexts.newVersion")}
          </button>
        </div>
      ))}
      {draft && (
        <div className="protocol-form" data-testid="consent-draft">
          <label>
            {t("consentTexts.versionLabel")}
            <input value={draft.version} placeholder="2027-01-15" onChange={(e) => setDraft({ ...draft, version: e.target.value })} />
          </label>
          {languages.map((l) => (
            <label key={l}>
              {l}
              <textarea rows={4} aria-label={`${t("consentTexts.text")} ${l}`} value={draft.texts[l]} onChange={(e) => setDraft({ ...draft, texts: { ...draft.texts, [l]: e.target.value } })} />
            </label>
          ))}
          <p className="muted">{t("consentTexts.warning")}</p>
          <button className="primary" onClick={publish}>
            {t("consentTexts.publish")}
          </button>
        </div>
      )}
      {message && (
        <p className={message.kind === "error" ? "error" : "muted"} role="status" data-testid="consent-texts-message">
          {message.text}
        </p>
      )}
    </>
  );
}
