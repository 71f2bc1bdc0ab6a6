import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { errorText } from "./error-text";
import { api, type Staff } from "./api";
import { addDays, clinicDate, clinicDay, clinicHour, HOUR_MS } from "./clinic-time";
import { CoverageRules } from "./CoverageRules";
import { HourDetails } from "./RotaHourDetails";
import { useT } from "./i18n";
import type { Rota as RotaData, RotaHour, RotaPeople, RotaRow, RotaShift } from "./rota-types";
import { ShiftForm, type ShiftDraft } from "./ShiftForm";
import { languageName, patientLanguages, useSpecialties } from "./words";

/** The specialties the clinic promises round the clock come first in the picker. */
const firstSpecialties = ["gp", "pediatrics"];
/** A phone opens on one day: a week of hourly cells is unreadable at 390 px. */
const narrow = () => window.matchMedia("(max-width: 760px)").matches;

/** A gap with an interpreter on duty differs from one with nobody: the patient can still be seen through them. */
const coverKind = (hour: RotaHour) => (hour.gap ? (hour.cover === "interpreter" ? "gapInterpreter" : "gap") : hour.cover);

/** Which hours the grid shows: the whole week, or one day (0–6). */
type View = "week" | number;
type Cell = { language: string; hour: number };

const overlaps = (shift: RotaShift, at: string) => {
  const start = Date.parse(at);
  return Date.parse(shift.startsAt) < start + HOUR_MS && Date.parse(shift.endsAt) > start;
};

/**
 * The rota (issue 22): a week of hourly cover per specialty × patient language on the clinic's (Moscow) clock, gaps —
 * hours a coverage rule asks for without a doctor in the language — marked in words and pattern, not colour alone.
 * Selecting an hour shows who is on duty, with their shifts to move or remove and a shift to add from that hour.
 * Nothing polls: the grid reloads after an edit here and when a `coverage.gaps` event arrives (`live`).
 */
export function Rota({ staff, live }: { staff: Staff; live: number }) {
  const { t, language } = useT();
  const specialties = useSpecialties();
  const [from, setFrom] = useState(() => clinicDate(Date.now()));
  const [rota, setRota] = useState<RotaData | null>(null);
  const [people, setPeople] = useState<RotaPeople | null>(null);
  const [specialty, setSpecialty] = useState(firstSpecialties[0]!);
  const [view, setView] = useState<View>(() => (narrow() ? 0 : "week"));
  const [selected, setSelected] = useState<Cell>({ language: patientLanguages[0]!, hour: view === "week" ? 0 : view * 24 });
  const [hovered, setHovered] = useState<Cell | null>(null);
  const [draft, setDraft] = useState<ShiftDraft | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const grid = useRef<HTMLTableElement>(null);
  const reload = () => setVersion((n) => n + 1);

  useEffect(() => {
    let cancelled = false;
    api<RotaData>(`/rota?${new URLSearchParams({ from, days: "7" })}`).then(
      (r) => {
        if (cancelled) return;
        setRota(r);
        setError(null);
      },
      (e) => !cancelled && setError(errorText(t, e)),
    );
    return () => {
      cancelled = true;
    };
  }, [from, version, live]);
  useEffect(() => {
    api<RotaPeople>("/rota/people").then(setPeople, (e) => setError(errorText(t, e)));
  }, []);

  const attempt = async (action: () => Promise<unknown>) => {
    try {
      await action();
      setError(null);
      reload();
    } catch (e) {
      setError(errorText(t, e));
    }
  };
  const remove = (shift: RotaShift) => attempt(() => api(`/rota/shifts/${shift.id}?kind=${shift.kind}`, { method: "DELETE" }));

  const specialtyCodes = [...new Set([...firstSpecialties, ...(rota?.rows.map((r) => r.specialty) ?? [])])];
  const rows = patientLanguages.flatMap((lang) => rota?.rows.filter((r) => r.specialty === specialty && r.language === lang) ?? []);
  const hours = view === "week" ? [...Array(7 * 24).keys()] : [...Array(24).keys()].map((h) => view * 24 + h);
  const days = [...Array(7).keys()].map((d) => new Date(Date.parse(rota?.from ?? `${from}T00:00:00+03:00`) + d * 24 * HOUR_MS).toISOString());
  const shown = hovered ?? selected;
  const shownRow = rows.find((r) => r.language === shown.language);
  const shownHour = shownRow?.hours[shown.hour];

  const pickView = (next: View) => {
    setView(next);
    if (next !== "week") setSelected({ ...selected, hour: next * 24 + (selected.hour % 24) });
  };
  // The chosen hour wins over the one under a resting mouse (arrow keys would otherwise seem to do nothing).
  const select = (cell: Cell) => {
    setSelected(cell);
    setHovered(null);
    setDraft(null);
  };
  // Arrow keys move through the grid (one cell is in the tab order), as in a spreadsheet.
  const onKey = (event: KeyboardEvent) => {
    const languages = rows.map((r) => r.language);
    const step = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] }[event.key];
    if (!step) return;
    event.preventDefault();
    const language = languages[Math.min(languages.length - 1, Math.max(0, languages.indexOf(selected.language) + step[0]!))]!;
    const hour = Math.min(hours[hours.length - 1]!, Math.max(hours[0]!, selected.hour + step[1]!));
    select({ language, hour });
    grid.current?.querySelector<HTMLElement>(`[data-language="${language}"][data-hour="${hour}"]`)?.focus();
  };

  const coverText = (hour: RotaHour) => t(`rota.cover.${coverKind(hour)}`);
  const cellLabel = (row: RotaRow, hour: RotaHour) =>
    `${languageName(language, row.language)}, ${clinicDay(hour.at, language)} ${clinicHour(hour.at)}: ${coverText(hour)}`;
  const gapHours = rows.map((r) => ({ language: r.language, count: r.hours.filter((h) => h.gap).length })).filter((g) => g.count > 0);

  return (
    <section className="rota" data-testid="rota">
      <h2>{t("rota.title")}</h2>
      <div className="filters rota-filters">
        <span className="check">
          <button type="button" onClick={() => setFrom(addDays(from, -7))} aria-label={t("rota.previousWeek")} title={t("rota.previousWeek")}>
            ←
          </button>
          <input type="date" name="from" value={from} onChange={(e) => e.target.value && setFrom(e.target.value)} aria-label={t("rota.weekFrom")} />
          <button type="button" onClick={() => setFrom(addDays(from, 7))} aria-label={t("rota.nextWeek")} title={t("rota.nextWeek")}>
            →
          </button>
        </span>
        <label className="check">
          {t("rota.specialty")}
          <select name="specialty" value={specialty} onChange={(e) => setSpecialty(e.target.value)}>
            {specialtyCodes.map((code) => (
              <option key={code} value={code}>
                {specialties.name(code)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="tabs" role="group" aria-label={t("rota.view")}>
        <button type="button" className={view === "week" ? "active" : ""} aria-pressed={view === "week"} onClick={() => pickView("week")}>
          {t("rota.week")}
        </button>
        {days.map((day, d) => (
          <button type="button" key={day} className={view === d ? "active" : ""} aria-pressed={view === d} onClick={() => pickView(d)}>
            {clinicDay(day, language)}
          </button>
        ))}
      </div>
      <p className="muted">{t("rota.zone")}</p>
      <ul className="rota-legend" aria-label={t("rota.legend")}>
        {(["doctor", "interpreter", "none", "gap", "gapInterpreter"] as const).map((kind) => (
          <li key={kind}>
            <span className={`swatch cover-${kind}`} /> {t(`rota.cover.${kind}`)}
          </li>
        ))}
      </ul>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {!rota && !error && <p className="loading">…</p>}
      {rota && (
        <>
          <p data-testid="rota-gaps" className={gapHours.length ? "warn" : "muted"}>
            {gapHours.length
              ? `${t("rota.gapsThisWeek")}: ${gapHours.map((g) => `${languageName(language, g.language)} — ${t("rota.hours", { count: g.count })}`).join(", ")}`
              : t("rota.noGaps")}
          </p>
          <div className={`rota-scroll ${view === "week" ? "week" : "day"}`}>
            <table className="rota-grid" role="grid" aria-label={`${t("rota.title")}: ${specialties.name(specialty)}`} ref={grid} onKeyDown={onKey} onMouseLeave={() => setHovered(null)} data-testid="rota-grid">
              <thead>
                {view === "week" && (
                  <tr>
                    <td />
                    {days.map((day) => (
                      <th key={day} colSpan={24} scope="colgroup" className="day-start">
                        {clinicDay(day, language)}
                      </th>
                    ))}
                  </tr>
                )}
                <tr>
                  <td />
                  {hours
                    .filter((h) => h % (view === "week" ? 6 : 3) === 0)
                    .map((h) => (
                      <th key={h} colSpan={view === "week" ? 6 : 3} scope="colgroup" className={`hour-mark${h % 24 === 0 ? " day-start" : ""}`}>
                        {String(h % 24).padStart(2, "0")}
                      </th>
                    ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={row.language}>
                    <th scope="row">
                      <span className="long">{languageName(language, row.language)}</span>
                      <span className="short">{row.language.toUpperCase()}</span>
                    </th>
                    {hours.map((h) => {
                      const hour = row.hours[h];
                      if (!hour) return <td key={h} />;
                      const isSelected = selected.language === row.language && selected.hour === h;
                      return (
                        <td
                          key={h}
                          role="gridcell"
                          tabIndex={isSelected ? 0 : -1}
                          aria-selected={isSelected}
                          aria-label={cellLabel(row, hour)}
                          data-language={row.language}
                          data-hour={h}
                          data-at={hour.at}
                          className={[`cover-${coverKind(hour)}`, h % 24 === 0 ? "day-start" : "", isSelected ? "selected" : ""].join(" ")}
                          onClick={() => select({ language: row.language, hour: h })}
                          onFocus={() => isSelected || select({ language: row.language, hour: h })}
                          onMouseEnter={() => setHovered({ language: row.language, hour: h })}
                        >
                          {view !== "week" && (hour.gap ? "!" : hour.doctors > 0 ? hour.doctors : "")}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {shownRow && shownHour && (
            <HourDetails
              row={shownRow}
              hour={shownHour}
              status={coverText(shownHour)}
              shifts={rota.shifts.filter((s) => overlaps(s, shownHour.at) && (s.kind === "interpreter" ? s.languages.includes(shownRow.language) : s.specialty === shownRow.specialty))}
              onMove={(shift) => setDraft({ shift })}
              onRemove={remove}
              onAdd={() => setDraft({ kind: "doctor", specialty, startsAt: shownHour.at })}
            />
          )}
          {draft && people && (
            <ShiftForm
              key={"shift" in draft ? draft.shift.id : `${draft.kind}-${draft.startsAt}`}
              people={people}
              draft={draft}
              onSaved={() => {
                setDraft(null);
                reload();
              }}
              onCancel={() => setDraft(null)}
            />
          )}
        </>
      )}
      <CoverageRules editable={staff.role === "admin"} onChanged={reload} />
    </section>
  );
}
