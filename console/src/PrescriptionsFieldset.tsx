import type { ProtocolContent } from "./api";
import { useT } from "./i18n";

const emptyPrescription = { medicine: "", dose: "", schedule: "", durationDays: 7, treatmentChange: "new" as const, remindAt: [] as string[] };

/** The protocol's prescriptions: a row per medicine with its dose, schedule, reminder times, days and change of treatment. */
export function PrescriptionsFieldset({
  prescriptions,
  set,
}: {
  prescriptions: ProtocolContent["prescriptions"];
  set: (patch: Partial<ProtocolContent>) => void;
}) {
  const { t } = useT();
  return (
    <fieldset>
      <legend>{t("protocol.prescriptions")}</legend>
      {prescriptions.map((p, i) => {
        const change = (patch: Partial<typeof p>) => set({ prescriptions: prescriptions.map((x, j) => (j === i ? { ...x, ...patch } : x)) });
        return (
          <div className="row" key={i} data-testid="prescription">
            <input aria-label={t("protocol.medicine")} placeholder={t("protocol.medicine")} value={p.medicine} onChange={(e) => change({ medicine: e.target.value })} />
            <input aria-label={t("protocol.dose")} placeholder={t("protocol.dose")} value={p.dose} onChange={(e) => change({ dose: e.target.value })} />
            <input aria-label={t("protocol.schedule")} placeholder={t("protocol.schedule")} value={p.schedule} onChange={(e) => change({ schedule: e.target.value })} />
            <input
              aria-label={t("protocol.remindAt")}
              placeholder={t("protocol.remindAt")}
              title={t("protocol.remindAtHint")}
              value={(p.remindAt ?? []).join(", ")}
              onChange={(e) => change({ remindAt: e.target.value.split(",").map((time) => time.trim()) })}
            />
            <input aria-label={t("protocol.days")} type="number" min={1} max={365} value={p.durationDays} onChange={(e) => change({ durationDays: Number(e.target.value) })} />
            <select aria-label={t("protocol.change")} value={p.treatmentChange} onChange={(e) => change({ treatmentChange: e.target.value as typeof p.treatmentChange })}>
              {(["new", "continue", "change", "stop"] as const).map((k) => (
                <option key={k} value={k}>
                  {t(`protocol.treatment.${k}`)}
                </option>
              ))}
            </select>
            <button className="small" onClick={() => set({ prescriptions: prescriptions.filter((_, j) => j !== i) })}>
              {t("protocol.remove")}
            </button>
          </div>
        );
      })}
      <button className="small" onClick={() => set({ prescriptions: [...prescriptions, { ...emptyPrescription }] })}>
        {t("protocol.addPrescription")}
      </button>
    </fieldset>
  );
}
