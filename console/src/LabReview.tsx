import { useCallback, useEffect, useState } from "react";
import { errorText } from "./error-text";
import { api } from "./api";
import { useT } from "./i18n";

interface ReviewItem {
  id: string;
  labId: string;
  reason: string;
  payload: unknown;
  receivedAt: string;
}

/**
 * Laboratory deliveries that matched no order or could not be read: kept, never dropped, until someone
 * files them under the order the patient names (its number) or dismisses them.
 */
export function LabReview({ live, onChanged }: { live: number; onChanged: () => void }) {
  const { t, language } = useT();
  const [items, setItems] = useState<ReviewItem[]>([]);
  const [numbers, setNumbers] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(
    () =>
      api<{ items: ReviewItem[] }>("/labs/review")
        .then((r) => setItems(r.items))
        .catch((e) => setError(errorText(t, e))),
    [],
  );
  useEffect(() => void load(), [load, live]);

  const resolve = async (id: string, orderNumber?: number) => {
    setError(null);
    try {
      const { results } = await api<{ results: number }>(`/labs/review/${id}/resolve`, { method: "POST", body: orderNumber ? { orderNumber } : {} });
      setMessage(orderNumber ? t("labReview.filed", { count: results }) : t("labReview.dismissed"));
      onChanged();
    } catch (e) {
      setError(errorText(t, e));
    }
  };

  return (
    <section data-testid="lab-review">
      <h2>{t("labReview.title")}</h2>
      {message && <p role="status">{message}</p>}
      {error && <p className="error">{error}</p>}
      {items.length === 0 && <p className="muted">{t("labReview.empty")}</p>}
      <ul className="cards">
        {items.map((item) => (
          <li key={item.id} data-id={item.id}>
            <strong>{item.labId}</strong> · {new Date(item.receivedAt).toLocaleString(language)} · {item.reason}
            {/* The results themselves are clinical: the api sends them to doctors only. */}
            {item.payload !== null && (
              <details>
                <summary>{t("labReview.payload")}</summary>
                <pre>{JSON.stringify(item.payload, null, 2)}</pre>
              </details>
            )}
            <div className="actions">
              <input
                type="number"
                min={1}
                aria-label={t("labReview.orderNumber")}
                placeholder={t("labReview.orderNumber")}
                value={numbers[item.id] ?? ""}
                onChange={(e) => setNumbers({ ...numbers, [item.id]: e.target.value })}
              />
              <button className="small" disabled={!Number(numbers[item.id])} onClick={() => resolve(item.id, Number(numbers[item.id]))}>
                {t("labReview.file")}
              </button>
              <button className="small" onClick={() => resolve(item.id)}>
                {t("labReview.dismiss")}
              </button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
