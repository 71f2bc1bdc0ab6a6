import { useEffect, useRef, useState } from "react";
import { api, type QueueItem, type Staff, type Status } from "./api";
import { useT } from "./i18n";
import { age, languageName, useSpecialties } from "./words";

const views: Status[] = ["new", "in_progress", "waiting_for_patient", "closed"];


interface Props {
  staff: Staff;
  live: number;
  unread: Set<string>;
  onOpen: (id: string) => void;
}

export function Queue({ staff, live, unread, onOpen }: Props) {
  const { t, language: uiLanguage } = useT();
  const [view, setView] = useState<Status>("new");
  const [specialty, setSpecialty] = useState("");
  const directory = useSpecialties();
  const specialties = directory.list.filter((s) => s.active);
  const [language, setLanguage] = useState("");
  const [urgentOnly, setUrgentOnly] = useState(false);
  const [minAge, setMinAge] = useState("");
  const [items, setItems] = useState<QueueItem[]>([]);
  const [selected, setSelected] = useState(0);
  const [denied, setDenied] = useState(false);
  const listRef = useRef<HTMLOListElement>(null);

  useEffect(() => {
    const query = new URLSearchParams({ view });
    if (specialty) query.set("specialty", specialty);
    if (language) query.set("language", language);
    if (urgentOnly) query.set("urgent", "true");
    if (minAge) query.set("minAgeMinutes", minAge);
    let cancelled = false;
    api<{ consultations: QueueItem[] }>(`/consultations?${query}`).then((r) => {
      if (!cancelled) setItems(r.consultations);
    });
    return () => {
      cancelled = true;
    };
  }, [view, specialty, language, urgentOnly, minAge, live]);

  useEffect(() => setSelected((s) => Math.min(s, Math.max(0, items.length - 1))), [items]);

  const openItem = (item: QueueItem | undefined) => {
    if (!item) return;
    // Operators route the queue; the clinical thread is for doctors only (the api refuses it as well).
    if (staff.role !== "doctor") {
      setDenied(true);
      return;
    }
    onOpen(item.id);
  };

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.target as HTMLElement).closest("input, textarea, select")) return;
      if (event.key === "j") setSelected((s) => Math.min(s + 1, items.length - 1));
      else if (event.key === "k") setSelected((s) => Math.max(s - 1, 0));
      else if (event.key === "Enter") openItem(items[selected]);
      else if (event.key === "t" && staff.role === "doctor" && items[selected]) {
        const id = items[selected]!.id;
        api(`/consultations/${id}/take`, { method: "POST" }).then(() => onOpen(id), () => setView((v) => v));
      } else return;
      event.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  });

  useEffect(() => {
    listRef.current?.querySelector<HTMLElement>(`[data-index="${selected}"]`)?.scrollIntoView({ block: "nearest" });
  }, [selected]);

  return (
    <section className="queue">
      <div className="tabs" role="tablist">
        {views.map((v) => (
          <button key={v} role="tab" aria-selected={view === v} className={view === v ? "active" : ""} onClick={() => setView(v)}>
            {t(`status.${v}`)}
          </button>
        ))}
      </div>
      <div className="filters">
        <select value={specialty} onChange={(e) => setSpecialty(e.target.value)} aria-label={t("queue.specialty")}>
          <option value="">{t("queue.anySpecialty")}</option>
          {specialties.map((s) => (
            <option key={s.code} value={s.code}>
              {uiLanguage === "ru" ? s.nameRu : s.nameEn}
            </option>
          ))}
        </select>
        <select value={language} onChange={(e) => setLanguage(e.target.value)} aria-label={t("queue.language")}>
          <option value="">{t("queue.anyLanguage")}</option>
          {["ru", "en", "uz", "tg", "ky", "az"].map((l) => (
            <option key={l} value={l}>
              {languageName(uiLanguage, l)}
            </option>
          ))}
        </select>
        <label className="check">
          <input type="checkbox" checked={urgentOnly} onChange={(e) => setUrgentOnly(e.target.checked)} /> {t("queue.urgentOnly")}
        </label>
        <select value={minAge} onChange={(e) => setMinAge(e.target.value)} aria-label={t("queue.age")}>
          <option value="">{t("queue.anyAge")}</option>
          <option value="30">≥ {t("age.minutes", { count: 30 })}</option>
          <option value="60">≥ {t("age.hours", { count: 1 })}</option>
          <option value="240">≥ {t("age.hours", { count: 4 })}</option>
          <option value="1440">≥ {t("age.days", { count: 1 })}</option>
        </select>
        <span className="muted hint">{t("queue.keys")}</span>
      </div>
      {denied && (
        <p className="error" role="alert" data-testid="no-clinical-access">
          {t("queue.noClinicalAccess")}
        </p>
      )}
      <ol className="rows" ref={listRef} data-testid="queue">
        {items.length === 0 && <li className="empty">{t("queue.empty")}</li>}
        {items.map((item, index) => (
          <li
            key={item.id}
            data-index={index}
            data-id={item.id}
            className={["row", index === selected ? "selected" : "", item.urgent ? "urgent" : "", unread.has(item.id) ? "unread" : ""].join(" ")}
            onClick={() => setSelected(index)}
            onDoubleClick={() => openItem(item)}
          >
            <span className="num">№ {item.number}</span>
            {item.urgent && <span className="tag red">{t("queue.urgent")}</span>}
            {item.escalatedAt && <span className="tag amber">{t("queue.escalated")}</span>}
            <span className="tag">{directory.name(item.specialty)}</span>
            <span className="tag" title={item.patientLanguage}>
              {languageName(uiLanguage, item.patientLanguage)}
            </span>
            <span className="grow">{item.doctorName ?? t("queue.unassigned")}</span>
            <span className="muted" title={item.createdAt}>
              {age(t, item.createdAt)}
            </span>
            <button className="small" onClick={() => openItem(item)}>
              {t("queue.open")}
            </button>
          </li>
        ))}
      </ol>
    </section>
  );
}
