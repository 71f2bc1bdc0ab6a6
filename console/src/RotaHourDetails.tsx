import { clinicDay, clinicHour, HOUR_MS } from "./clinic-time";
import { useT } from "./i18n";
import type { RotaHour, RotaRow, RotaShift } from "./rota-types";
import { languageName } from "./words";

/** Who is on duty in one hour of one row: the doctors of the specialty (their languages shown) and the row's interpreters. */
export function HourDetails(props: { row: RotaRow; hour: RotaHour; status: string; shifts: RotaShift[]; onMove: (s: RotaShift) => void; onRemove: (s: RotaShift) => void; onAdd: () => void }) {
  const { t, language } = useT();
  const { row, hour, shifts } = props;
  const span = (s: RotaShift) => `${clinicDay(s.startsAt, language)} ${clinicHour(s.startsAt)} – ${clinicDay(s.endsAt, language)} ${clinicHour(s.endsAt)}`;
  const list = (kind: RotaShift["kind"]) => {
    const own = shifts.filter((s) => s.kind === kind);
    return (
      <>
        <h4>{t(`rota.onDuty.${kind}`)}</h4>
        {own.length === 0 && <p className="muted">{t("rota.nobody")}</p>}
        <ul className="cards">
          {own.map((s) => (
            <li key={s.id} data-shift={s.id}>
              <span className="grow">
                <strong>{s.name}</strong> · {s.languages.map((l) => languageName(language, l)).join(", ")} · {span(s)}
              </span>
              <button type="button" className="small" onClick={() => props.onMove(s)}>
                {t("rota.move")}
              </button>
              <button type="button" className="small" onClick={() => props.onRemove(s)}>
                {t("rota.remove")}
              </button>
            </li>
          ))}
        </ul>
      </>
    );
  };
  return (
    <div className="rota-details" aria-live="polite" data-testid="rota-details">
      <h3>
        {languageName(language, row.language)} · {clinicDay(hour.at, language)} {clinicHour(hour.at)}–{clinicHour(new Date(Date.parse(hour.at) + HOUR_MS).toISOString())}
      </h3>
      <p className={hour.gap ? "warn" : ""} data-testid="rota-status">
        {props.status}
        {hour.required ? ` · ${t("rota.required")}` : ""}
      </p>
      {list("doctor")}
      {list("interpreter")}
      <button type="button" className="primary" onClick={props.onAdd}>
        {t("rota.addFrom", { time: clinicHour(hour.at) })}
      </button>
    </div>
  );
}
