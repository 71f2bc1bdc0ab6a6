import { useEffect, useState, type FormEvent } from "react";
import { errorText } from "./error-text";
import { api } from "./api";
import { useT } from "./i18n";
import type { CoverageRule } from "./rota-types";
import { languageName, patientLanguages, useSpecialties } from "./words";

/** Rules are hourly (the rota's cells): "24:00" ends a rule at midnight, so 00:00–24:00 is round the clock. */
const times = [...Array(25).keys()].map((h) => `${String(h).padStart(2, "0")}:00`);

/**
 * Which hours each specialty must have a doctor in each language, on the clinic's (Moscow) clock. Admins add and
 * delete rules; operators read them. `onChanged` reloads the grid, whose gaps follow the rules.
 */
export function CoverageRules({ editable, onChanged }: { editable: boolean; onChanged: () => void }) {
  const { t, language } = useT();
  const specialties = useSpecialties();
  const [rules, setRules] = useState<CoverageRule[]>([]);
  const [form, setForm] = useState({ specialty: "gp", language: "ru", from: "00:00", to: "24:00" });
  const [error, setError] = useState<string | null>(null);

  const load = () => api<{ rules: CoverageRule[] }>("/coverage-rules").then((r) => setRules(r.rules));
  useEffect(() => {
    load().catch((e) => setError(errorText(t, e)));
  }, []);

  const change = async (action: () => Promise<unknown>) => {
    try {
      await action();
      await load();
      setError(null);
      onChanged();
    } catch (e) {
      setError(errorText(t, e));
    }
  };
  const add = (event: FormEvent) => {
    event.preventDefault();
    void change(() => api("/coverage-rules", { method: "POST", body: form }));
  };
  const hoursOf = (rule: CoverageRule) =>
    rule.from === "00:00" && rule.to === "24:00" ? t("rules.allDay") : `${rule.from}–${rule.to}${rule.from > rule.to ? ` (${t("rules.overnight")})` : ""}`;
  const activeSpecialties = specialties.list.filter((s) => s.active);

  return (
    <section className="coverage-rules" data-testid="coverage-rules">
      <h2>{t("rules.title")}</h2>
      <p className="muted">{editable ? t("rules.explain") : t("rules.readOnly")}</p>
      <div className="table-scroll">
        <table className="grid">
          <thead>
            <tr>
              <th>{t("rota.specialty")}</th>
              <th>{t("rules.language")}</th>
              <th>{t("rules.hours")}</th>
              {editable && <th />}
            </tr>
          </thead>
          <tbody>
            {rules.map((rule) => (
              <tr key={rule.id} data-rule={rule.id}>
                <td>{specialties.name(rule.specialty)}</td>
                <td>{languageName(language, rule.language)}</td>
                <td>{hoursOf(rule)}</td>
                {editable && (
                  <td>
                    <button type="button" className="small" onClick={() => void change(() => api(`/coverage-rules/${rule.id}`, { method: "DELETE" }))}>
                      {t("rules.delete")}
                    </button>
                  </td>
                )}
              </tr>
            ))}
            {rules.length === 0 && (
              <tr>
                <td colSpan={editable ? 4 : 3} className="muted">
                  {t("rules.none")}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {editable && (
        <form className="inline-form" onSubmit={add} data-testid="rule-form">
          <select name="rule-specialty" aria-label={t("rota.specialty")} value={form.specialty} onChange={(e) => setForm({ ...form, specialty: e.target.value })}>
            {(activeSpecialties.length ? activeSpecialties.map((s) => s.code) : ["gp"]).map((code) => (
              <option key={code} value={code}>
                {specialties.name(code)}
              </option>
            ))}
          </select>
          <select name="rule-language" aria-label={t("rules.language")} value={form.language} onChange={(e) => setForm({ ...form, language: e.target.value })}>
            {patientLanguages.map((code) => (
              <option key={code} value={code}>
                {languageName(language, code)}
              </option>
            ))}
          </select>
          <label className="check">
            {t("rules.from")}
            <select name="rule-from" value={form.from} onChange={(e) => setForm({ ...form, from: e.target.value })}>
              {times.slice(0, 24).map((time) => (
                <option key={time}>{time}</option>
              ))}
            </select>
          </label>
          <label className="check">
            {t("rules.to")}
            <select name="rule-to" value={form.to} onChange={(e) => setForm({ ...form, to: e.target.value })}>
              {times.slice(1).map((time) => (
                <option key={time}>{time}</option>
              ))}
            </select>
          </label>
          <button className="primary">{t("rules.add")}</button>
        </form>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
