import { useEffect, useState } from "react";
import { errorText } from "./error-text";
import { api } from "./api";
import { useT } from "./i18n";

const languages = ["ru", "en", "uz", "tg", "ky", "az"] as const;
type Condition = string | boolean | number | { atLeast: number };
type Disposition = "emergency" | "urgent";
interface Rule {
  id: string;
  label: string;
  condition: string;
  discriminators: string;
  disposition: Disposition;
  guideline: string;
  phrases: Partial<Record<(typeof languages)[number], string[][]>>;
  answers: Array<Record<string, Condition>>;
}
/** A rule as the form edits it: one line per group of phrases, phrases of a group separated by `|`. */
interface Editable {
  id: string;
  label: string;
  condition: string;
  discriminators: string;
  disposition: Disposition;
  guideline: string;
  phrases: Record<string, string>;
  answers: string;
}

const toEditable = (rule: Rule): Editable => ({
  id: rule.id,
  label: rule.label,
  condition: rule.condition,
  discriminators: rule.discriminators,
  disposition: rule.disposition,
  guideline: rule.guideline,
  phrases: Object.fromEntries(languages.map((l) => [l, (rule.phrases[l] ?? []).map((group) => group.join(" | ")).join("\n")])),
  answers: rule.answers.length ? JSON.stringify(rule.answers) : "",
});

const toRule = (e: Editable): Rule => ({
  id: e.id.trim(),
  label: e.label.trim(),
  condition: e.condition.trim(),
  discriminators: e.discriminators.trim(),
  disposition: e.disposition,
  guideline: e.guideline.trim(),
  phrases: Object.fromEntries(
    languages
      .map((l) => [l, e.phrases[l]!.split("\n").map((line) => line.split("|").map((p) => p.trim()).filter(Boolean)).filter((g) => g.length)] as const)
      .filter(([, groups]) => groups.length),
  ),
  answers: e.answers.trim() ? (JSON.parse(e.answers) as Rule["answers"]) : [],
});

/**
 * The red-flag list clinicians keep: a flag is raised when every line of a language's phrases matches the patient's
 * text (any of the `|`-separated phrases; `*` ends a word stem), or when all answers of one entry hold.
 */
export function RedFlags() {
  const { t } = useT();
  const [rules, setRules] = useState<Editable[]>([]);
  const [message, setMessage] = useState<{ kind: "error" | "ok"; text: string } | null>(null);
  const [version, setVersion] = useState("");

  useEffect(() => {
    api<{ rules: Rule[]; version: string }>("/red-flags").then(
      (r) => {
        setRules(r.rules.map(toEditable));
        setVersion(r.version);
      },
      (e) => setMessage({ kind: "error", text: errorText(t, e) }),
    );
  }, []);

  const change = (index: number, patch: Partial<Editable>) => setRules((list) => list.map((r, i) => (i === index ? { ...r, ...patch } : r)));
  const save = async () => {
    try {
      const saved = await api<{ rules: Rule[]; version: string }>("/red-flags", { method: "PUT", body: { rules: rules.map(toRule) } });
      setRules(saved.rules.map(toEditable));
      setVersion(saved.version);
      setMessage({ kind: "ok", text: t("redFlags.saved") });
    } catch (e) {
      setMessage({ kind: "error", text: e instanceof SyntaxError ? t("redFlags.badAnswers") : errorText(t, e) });
    }
  };

  return (
    <>
      <h2>{t("redFlags.title")}</h2>
      <p className="muted">{t("redFlags.help")}</p>
      {version && <p className="muted" data-testid="red-flags-version">{t("redFlags.version", { version })}</p>}
      <div className="red-flags" data-testid="red-flags">
        {rules.map((rule, index) => (
          <fieldset key={index} data-rule={rule.id}>
            <div className="row">
              <input aria-label={t("redFlags.id")} placeholder={t("redFlags.id")} value={rule.id} onChange={(e) => change(index, { id: e.target.value })} />
              <input aria-label={t("redFlags.label")} placeholder={t("redFlags.label")} value={rule.label} onChange={(e) => change(index, { label: e.target.value })} />
              <button className="small" onClick={() => setRules((list) => list.filter((_, i) => i !== index))}>
                {t("redFlags.remove")}
              </button>
            </div>
            <div className="row">
              <input aria-label={t("redFlags.condition")} placeholder={t("redFlags.condition")} value={rule.condition} onChange={(e) => change(index, { condition: e.target.value })} />
              <select aria-label={t("redFlags.disposition")} value={rule.disposition} onChange={(e) => change(index, { disposition: e.target.value as Disposition })}>
                <option value="emergency">{t("redFlags.emergency")}</option>
                <option value="urgent">{t("redFlags.urgent")}</option>
              </select>
            </div>
            <input aria-label={t("redFlags.discriminators")} placeholder={t("redFlags.discriminators")} value={rule.discriminators} onChange={(e) => change(index, { discriminators: e.target.value })} />
            <input aria-label={t("redFlags.guideline")} placeholder={t("redFlags.guideline")} value={rule.guideline} onChange={(e) => change(index, { guideline: e.target.value })} />
            {languages.map((l) => (
              <label key={l}>
                {l}
                <textarea rows={2} aria-label={`${t("redFlags.phrases")} ${l}`} value={rule.phrases[l]} onChange={(e) => change(index, { phrases: { ...rule.phrases, [l]: e.target.value } })} />
              </label>
            ))}
            <label>
              {t("redFlags.answers")}
              <input aria-label={t("redFlags.answers")} value={rule.answers} onChange={(e) => change(index, { answers: e.target.value })} />
            </label>
          </fieldset>
        ))}
      </div>
      <div className="reply-actions">
        <button onClick={() => setRules((list) => [...list, { id: "", label: "", condition: "", discriminators: "", disposition: "emergency", guideline: "", phrases: Object.fromEntries(languages.map((l) => [l, ""])), answers: "" }])}>
          {t("redFlags.add")}
        </button>
        <button className="primary" onClick={save}>
          {t("redFlags.save")}
        </button>
      </div>
      {message && (
        <p className={message.kind === "error" ? "error" : "muted"} role="status" data-testid="red-flags-message">
          {message.text}
        </p>
      )}
    </>
  );
}
