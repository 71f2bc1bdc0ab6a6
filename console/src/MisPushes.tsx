import { useEffect, useState } from "react";
import { api } from "./api";
import { errorText } from "./error-text";
import { useT } from "./i18n";

interface FailedPush {
  protocolId: string;
  consultationNumber: number | null;
  version: number | null;
  attempts: number;
  lastError: string | null;
  failedAt: string;
}

const load = () => api<{ configured: boolean; failures: FailedPush[] }>("/mis-pushes/failed");

/** Signed protocols the clinic's MIS did not take, with its answer, and "retry now" (README "Push to the MIS"). */
export function MisPushes() {
  const { t, language } = useT();
  const [state, setState] = useState<{ configured: boolean; failures: FailedPush[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [retried, setRetried] = useState<string[]>([]);

  useEffect(() => {
    void load().then(setState, (e) => setError(errorText(t, e)));
  }, []);

  const retry = async (protocolId: string) => {
    try {
      await api(`/mis-pushes/${protocolId}/retry`, { method: "POST" });
      setRetried((ids) => [...ids, protocolId]);
      setError(null);
    } catch (e) {
      setError(errorText(t, e));
    }
  };

  if (!state?.configured) return null;
  return (
    <section data-testid="mis-pushes">
      <h2>{t("misPush.title")}</h2>
      {error && <p className="error" role="alert">{error}</p>}
      {state.failures.length === 0 ? (
        <p className="muted">{t("misPush.none")}</p>
      ) : (
        <div className="table-scroll">
          <table className="grid">
            <thead>
              <tr>
                <th>{t("misPush.protocol")}</th>
                <th>{t("misPush.failedAt")}</th>
                <th>{t("misPush.attempts")}</th>
                <th>{t("misPush.error")}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {state.failures.map((f) => (
                <tr key={f.protocolId} data-testid="mis-push-row">
                  <td>{t("misPush.version", { number: f.consultationNumber ?? "—", version: f.version ?? "—" })}</td>
                  <td>{new Date(f.failedAt).toLocaleString(language)}</td>
                  <td>{f.attempts}</td>
                  <td className="error">{f.lastError}</td>
                  <td>
                    {retried.includes(f.protocolId) ? (
                      <span className="muted" role="status">{t("misPush.queued")}</span>
                    ) : (
                      <button className="small" onClick={() => void retry(f.protocolId)}>
                        {t("misPush.retry")}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
