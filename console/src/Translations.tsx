import { useEffect, useState } from "react";
import { api, type TranslationItem } from "./api";
import { errorText } from "./error-text";
import { useT } from "./i18n";

/**
 * The interpreter's work: the second-opinion documents patients asked to have translated. Only the document is
 * shown (no patient, no consultation), each opening is audited by the api, and the translation goes back beside it.
 */
export function Translations() {
  const { t } = useT();
  const [items, setItems] = useState<TranslationItem[]>([]);
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [changed, setChanged] = useState(0);
  useEffect(() => {
    api<{ translations: TranslationItem[] }>("/translations").then(
      (r) => setItems(r.translations),
      (e) => setError(errorText(t, e)),
    );
  }, [changed]);
  const submit = async (id: string) => {
    try {
      await api(`/translations/${id}`, { method: "POST", body: { text: drafts[id] ?? "" } });
      setError(null);
      setChanged((n) => n + 1);
    } catch (e) {
      setError(errorText(t, e));
    }
  };
  return (
    <section className="translations" data-testid="translations">
      <h2>{t("translations.title")}</h2>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {items.length === 0 && <p className="muted">{t("translations.none")}</p>}
      <ul className="calls">
        {items.map((item) => (
          <li key={item.id} data-request={item.id}>
            <a href={`/api/v1/translations/${item.id}/original`} target="_blank" rel="noreferrer">
              📎 {item.fileName}
            </a>{" "}
            · {new Date(item.requestedAt).toLocaleString()}{" "}
            <span className={`tag ${item.status === "translated" ? "" : "amber"}`}>{t(`translations.status.${item.status}`)}</span>
            {item.status === "requested" && (
              <div className="reply">
                <textarea
                  rows={5}
                  aria-label={t("translations.text")}
                  value={drafts[item.id] ?? ""}
                  onChange={(e) => setDrafts((d) => ({ ...d, [item.id]: e.target.value }))}
                />
                <button className="primary" disabled={!(drafts[item.id] ?? "").trim()} onClick={() => submit(item.id)}>
                  {t("translations.send")}
                </button>
              </div>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
