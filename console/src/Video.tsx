import { useEffect, useState, type FormEvent, type ReactNode } from "react";
import { errorText } from "./error-text";
import { api, type Staff } from "./api";
import { useT } from "./i18n";

interface VideoRequest {
  visitId: string;
  specialty: string;
  language: string;
  needsInterpreter: boolean;
  requestedAt: string;
  urgent?: boolean;
}
interface Period {
  id: string;
  specialty: string;
  startsAt: string;
  endsAt: string;
}
type SlotKind = "video" | "in_person";
type Slot = Period & { booked: boolean; appointmentId?: string; kind: SlotKind; room: string | null; address: string | null };
interface Call {
  visitId: string;
  interpreterLink?: string;
}

/** `datetime-local` input value → ISO in the doctor's own timezone. */
const isoOf = (local: string) => new Date(local).toISOString();

/**
 * The doctor's video desk: on-call shifts, live "video now" requests (first accept wins, decided by the api),
 * the calls this doctor accepted, and appointment slots for patients to book in the messenger.
 */
export function Video({ staff }: { staff: Staff }) {
  const { t, language } = useT();
  const [requests, setRequests] = useState<VideoRequest[]>([]);
  const [taken, setTaken] = useState<Set<string>>(new Set());
  const [shifts, setShifts] = useState<Period[]>([]);
  const [slots, setSlots] = useState<Slot[]>([]);
  const [calls, setCalls] = useState<Call[]>([]);
  const [error, setError] = useState<string | null>(null);
  const specialty = staff.specialties[0] ?? "gp";
  const [shift, setShift] = useState({ specialty, startsAt: "", endsAt: "" });
  const [slot, setSlot] = useState({ specialty, startsAt: "", endsAt: "" });
  // An in-person slot says where the patient goes; the bot and the reminders repeat it.
  const [place, setPlace] = useState<{ kind: SlotKind; room: string; address: string }>({ kind: "video", room: "", address: "" });
  const when = (iso: string) => new Date(iso).toLocaleString(language, { dateStyle: "short", timeStyle: "short" });

  const loadShifts = () => api<{ shifts: Period[] }>("/video/shifts").then((r) => setShifts(r.shifts));
  const loadSlots = () => api<{ slots: Slot[] }>("/video/slots").then((r) => setSlots(r.slots));
  useEffect(() => {
    void loadShifts();
    void loadSlots();
    void api<{ visits: Call[] }>("/video/visits").then((r) => setCalls(r.visits));
    // Requests and their fate arrive from every api instance; a request taken by someone else greys out at once.
    const source = new EventSource("/api/v1/video/stream");
    source.addEventListener("snapshot", (e) => setRequests((JSON.parse((e as MessageEvent).data) as { requests: VideoRequest[] }).requests));
    source.addEventListener("request", (e) => {
      const request = JSON.parse((e as MessageEvent).data) as VideoRequest;
      setRequests((list) => (list.some((r) => r.visitId === request.visitId) ? list : [...list, request]));
    });
    const gone = (e: Event) => {
      const { visitId } = JSON.parse((e as MessageEvent).data) as { visitId: string };
      setTaken((s) => new Set(s).add(visitId));
    };
    source.addEventListener("taken", gone);
    source.addEventListener("withdrawn", gone);
    return () => source.close();
  }, []);

  const attempt = async (action: () => Promise<unknown>) => {
    try {
      await action();
      setError(null);
    } catch (e) {
      setError(errorText(t, e));
    }
  };
  const accept = (visitId: string) =>
    attempt(async () => {
      try {
        const result = await api<Call>(`/video/requests/${visitId}/accept`, { method: "POST" });
        setCalls((list) => [...list, result]);
      } finally {
        setTaken((s) => new Set(s).add(visitId));
      }
    });
  const join = (visitId: string) =>
    attempt(async () => {
      // The link is single-device: a new one moves the doctor's call to this tab.
      const { url } = await api<{ url: string }>(`/video/visits/${visitId}/link`, { method: "POST" });
      window.open(url, "_blank", "noopener");
    });
  const end = (visitId: string) =>
    attempt(async () => {
      await api(`/video/visits/${visitId}/end`, { method: "POST" });
      setCalls((list) => list.filter((c) => c.visitId !== visitId));
    });
  const startAppointment = (appointmentId: string) =>
    attempt(async () => {
      const { visitId } = await api<{ visitId: string }>(`/video/appointments/${appointmentId}/start`, { method: "POST" });
      setCalls((list) => (list.some((c) => c.visitId === visitId) ? list : [...list, { visitId }]));
    });
  const publish = (path: string, body: { specialty: string; startsAt: string; endsAt: string; kind?: SlotKind }, reload: () => Promise<void>) => (event: FormEvent) => {
    event.preventDefault();
    void attempt(async () => {
      await api(path, { method: "POST", body: { ...body, startsAt: isoOf(body.startsAt), endsAt: isoOf(body.endsAt) } });
      await reload();
    });
  };

  const periodForm = (value: typeof shift, onChange: (v: typeof shift) => void, onSubmit: (e: FormEvent) => void, label: string, testId: string, extra?: ReactNode) => (
    <form className="inline-form" onSubmit={onSubmit} data-testid={testId}>
      {extra}
      <select value={value.specialty} onChange={(e) => onChange({ ...value, specialty: e.target.value })} aria-label={t("video.specialty")}>
        {staff.specialties.map((s) => (
          <option key={s}>{s}</option>
        ))}
      </select>
      <input type="datetime-local" required value={value.startsAt} onChange={(e) => onChange({ ...value, startsAt: e.target.value })} aria-label={t("video.from")} />
      <input type="datetime-local" required value={value.endsAt} onChange={(e) => onChange({ ...value, endsAt: e.target.value })} aria-label={t("video.to")} />
      <button className="primary">{label}</button>
    </form>
  );

  return (
    <section className="video" data-testid="video">
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <h2>{t("video.requests")}</h2>
      {requests.length === 0 && <p className="muted">{t("video.noRequests")}</p>}
      <ul className="requests">
        {[...requests].sort((a, b) => Number(b.urgent ?? false) - Number(a.urgent ?? false)).map((r) => (
          <li key={r.visitId} data-visit={r.visitId} className={[taken.has(r.visitId) ? "muted" : "", r.urgent ? "urgent" : ""].join(" ")}>
            {r.urgent && <span className="tag red">{t("queue.urgent")}</span>} {r.specialty} · {r.language}
            {r.needsInterpreter && ` · ${t("video.interpreter")}`} · {t("video.waitingSince", { time: when(r.requestedAt) })}{" "}
            {taken.has(r.visitId) ? (
              <span className="tag">{t("video.taken")}</span>
            ) : (
              <button className="primary small" onClick={() => accept(r.visitId)}>
                {t("video.accept")}
              </button>
            )}
          </li>
        ))}
      </ul>
      <h2>{t("video.myCalls")}</h2>
      {calls.length === 0 && <p className="muted">{t("video.noCalls")}</p>}
      <ul className="calls">
        {calls.map((c) => (
          <li key={c.visitId} data-call={c.visitId}>
            {t("video.call")} {c.visitId.slice(0, 8)}{" "}
            <button className="primary small" onClick={() => join(c.visitId)}>
              {t("video.join")}
            </button>{" "}
            <button className="small" onClick={() => end(c.visitId)}>
              {t("video.end")}
            </button>
            {c.interpreterLink && <span className="muted"> · {t("video.interpreterInvited")}</span>}
          </li>
        ))}
      </ul>
      <h2>{t("video.shifts")}</h2>
      <ul className="previous" data-testid="shifts">
        {shifts.map((s) => (
          <li key={s.id}>
            {s.specialty} · {when(s.startsAt)} – {when(s.endsAt)}
          </li>
        ))}
      </ul>
      {periodForm(shift, setShift, publish("/video/shifts", shift, loadShifts), t("video.addShift"), "shift-form")}
      <h2>{t("video.slots")}</h2>
      <ul className="previous" data-testid="slots">
        {slots.map((s) => (
          <li key={s.id}>
            {s.specialty} · {when(s.startsAt)} – {when(s.endsAt)}
            {s.kind === "in_person" && ` · ${t("video.inPerson")}: ${s.address}, ${t("video.room")} ${s.room}`} · {s.booked ? t("video.booked") : t("video.free")}
            {s.appointmentId && s.kind === "video" && (
              <button className="small" onClick={() => startAppointment(s.appointmentId!)}>
                {t("video.startAppointment")}
              </button>
            )}
          </li>
        ))}
      </ul>
      {periodForm(slot, setSlot, publish("/video/slots", placed(slot, place), loadSlots), t("video.addSlot"), "slot-form", placeFields(t, place, setPlace))}
    </section>
  );
}

/** The slot with its place: a video slot sends neither room nor address. */
const placed = (slot: { specialty: string; startsAt: string; endsAt: string }, place: { kind: SlotKind; room: string; address: string }) =>
  place.kind === "video" ? { ...slot, kind: place.kind } : { ...slot, ...place };

function placeFields(t: ReturnType<typeof useT>["t"], place: { kind: SlotKind; room: string; address: string }, onChange: (p: typeof place) => void) {
  return (
    <>
      <select value={place.kind} onChange={(e) => onChange({ ...place, kind: e.target.value as SlotKind })} aria-label={t("video.kind")}>
        <option value="video">{t("video.kindVideo")}</option>
        <option value="in_person">{t("video.inPerson")}</option>
      </select>
      {place.kind === "in_person" && (
        <>
          <input required value={place.room} onChange={(e) => onChange({ ...place, room: e.target.value })} aria-label={t("video.room")} placeholder={t("video.room")} />
          <input required value={place.address} onChange={(e) => onChange({ ...place, address: e.target.value })} aria-label={t("video.address")} placeholder={t("video.address")} />
        </>
      )}
    </>
  );
}

/** An interpreter's calls: those a doctor accepted with them invited; each link is their own and single-device. */
export function InterpreterCalls() {
  const { t } = useT();
  const [calls, setCalls] = useState<Array<{ visitId: string; language: string }>>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const load = () => api<{ visits: Array<{ visitId: string; language: string }> }>("/video/interpreting").then((r) => setCalls(r.visits));
    void load();
    // Invitations come with a doctor's accept; a short poll is enough for a person waiting to be called in.
    const timer = setInterval(() => void load(), 5000);
    return () => clearInterval(timer);
  }, []);
  const join = async (visitId: string) => {
    try {
      const { url } = await api<{ url: string }>(`/video/interpreting/${visitId}/link`, { method: "POST" });
      window.open(url, "_blank", "noopener");
    } catch (e) {
      setError(errorText(t, e));
    }
  };
  return (
    <section className="video" data-testid="interpreting">
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <h2>{t("video.interpreting")}</h2>
      {calls.length === 0 && <p className="muted">{t("video.noCalls")}</p>}
      <ul className="calls">
        {calls.map((c) => (
          <li key={c.visitId} data-call={c.visitId}>
            {t("video.call")} {c.visitId.slice(0, 8)} · {c.language}{" "}
            <button className="primary small" onClick={() => join(c.visitId)}>
              {t("video.join")}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
