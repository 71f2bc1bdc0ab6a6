import { lazy, Suspense, useCallback, useEffect, useState } from "react";
import { Admin } from "./Admin";
import { Alerts } from "./Alerts";
import { Colleagues } from "./Colleagues";
import { ConsiliaScreen } from "./Consilia";
import { api, type MonitoringAlert, type Staff } from "./api";
import { setLanguage, useT } from "./i18n";
import { Login } from "./Login";
import { Queue } from "./Queue";
import { Renewals } from "./Renewals";
import { ThreadView } from "./Thread";
import { LabReview } from "./LabReview";
import { InterpreterCalls, Video } from "./Video";
import { Translations } from "./Translations";
import { InPerson } from "./InPerson";
import { Rota } from "./Rota";

// Charts are admin-only and the largest part of that screen: loaded when the screen is first opened.
const Analytics = lazy(() => import("./Analytics").then((m) => ({ default: m.Analytics })));

type Screen = { name: "queue" } | { name: "thread"; id: string } | { name: "admin" } | { name: "video" } | { name: "alerts" } | { name: "labReview" } | { name: "analytics" } | { name: "translations" } | { name: "inPerson" } | { name: "renewals" } | { name: "consilia" } | { name: "colleagues" } | { name: "rota" };

const consultationEvents = ["consultation.opened", "consultation.message", "consultation.taken", "consultation.closed", "consultation.escalated"];
const patientEvents = ["alert.opened", "alert.escalated", "lab.results"];

export function App() {
  const { t, language } = useT();
  const [staff, setStaff] = useState<Staff | null | undefined>(undefined);
  const [screen, setScreen] = useState<Screen>({ name: "queue" });
  const [unread, setUnread] = useState<Set<string>>(new Set());
  const [live, setLive] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);
  const [openAlerts, setOpenAlerts] = useState(0);
  const [alertsLive, setAlertsLive] = useState(0);
  const [toReview, setToReview] = useState(0);
  const [reviewLive, setReviewLive] = useState(0);
  /** The last hourly coverage check that found uncovered hours within 48 h; the banner stays until dismissed. */
  const [coverageGaps, setCoverageGaps] = useState<{ count: number } | null>(null);
  const [coverageLive, setCoverageLive] = useState(0);
  const plansRota = staff?.role === "admin" || staff?.role === "operator";
  const reviews = !!staff && staff.role !== "interpreter";
  // Interpreters work only the calls they are invited to: the queue is not theirs (the api refuses it).
  const home: Screen = staff?.role === "interpreter" ? { name: "video" } : { name: "queue" };

  useEffect(() => {
    api<{ staff: Staff }>("/me")
      .then((r) => {
        setStaff(r.staff);
        if (r.staff.role === "interpreter") setScreen({ name: "video" });
      })
      .catch(() => setStaff(null));
  }, []);

  // Live updates: the api relays Redis pub/sub events; screens refetch what this person may see.
  useEffect(() => {
    if (!staff) return;
    const source = new EventSource("/api/v1/events");
    const onConsultation = (event: MessageEvent<string>) => {
      const data = JSON.parse(event.data) as { type: string; consultationId: string };
      if (data.type === "consultation.opened" || data.type === "consultation.message") {
        setUnread((u) => new Set(u).add(data.consultationId));
      }
      if (data.type === "consultation.escalated" && staff.role !== "doctor") setNotice(t("notice.escalated"));
      setLive((n) => n + 1);
    };
    // The server sends these to the patient's responsible doctor only.
    const onPatient = (event: MessageEvent<string>) => {
      const { type } = JSON.parse(event.data) as { type: string };
      setNotice(t(type === "lab.results" ? "notice.labResults" : "notice.alert"));
      setAlertsLive((n) => n + 1);
    };
    // Questions to this doctor and answers to their questions (the server sends them to those doctors only).
    const onColleague = (event: MessageEvent<string>) => {
      const { type } = JSON.parse(event.data) as { type: string };
      setNotice(t(type === "colleague.invited" ? "notice.colleagueAsked" : "notice.colleagueAnswered"));
      setLive((n) => n + 1);
    };
    const onReview = () => {
      setNotice(t("notice.labReview"));
      setReviewLive((n) => n + 1);
    };
    for (const type of consultationEvents) source.addEventListener(type, onConsultation as EventListener);
    for (const type of patientEvents) source.addEventListener(type, onPatient as EventListener);
    for (const type of ["colleague.invited", "colleague.answered"]) source.addEventListener(type, onColleague as EventListener);
    source.addEventListener("lab.review", onReview);
    // The hourly coverage check (issue 22); the server sends it to admins and operators, who plan the rota.
    source.addEventListener("coverage.gaps", (event) => {
      const { count } = JSON.parse((event as MessageEvent<string>).data) as { count: number };
      setCoverageGaps({ count });
      setCoverageLive((n) => n + 1);
    });
    return () => source.close();
  }, [staff]);

  // The counts on the navigation: open alerts for a doctor, unfiled lab deliveries for everyone who files them.
  useEffect(() => {
    if (!staff?.doctorId) return;
    api<{ alerts: MonitoringAlert[] }>("/monitoring/alerts?status=open")
      .then((r) => setOpenAlerts(r.alerts.length))
      .catch(() => undefined);
  }, [staff, alertsLive]);
  useEffect(() => {
    if (!reviews) return;
    api<{ items: unknown[] }>("/labs/review")
      .then((r) => setToReview(r.items.length))
      .catch(() => undefined);
  }, [reviews, reviewLive]);

  useEffect(() => {
    document.title = unread.size ? `(${unread.size}) Telecons` : "Telecons";
  }, [unread]);

  const open = useCallback((id: string) => {
    setUnread((u) => {
      const next = new Set(u);
      next.delete(id);
      return next;
    });
    setScreen({ name: "thread", id });
  }, []);

  const logout = async () => {
    await api("/auth/logout", { method: "POST" }).catch(() => undefined);
    setStaff(null);
  };

  if (staff === undefined) return <div className="loading">…</div>;
  if (staff === null)
    return (
      <Login
        onLoggedIn={(s) => {
          setStaff(s);
          setScreen(s.role === "interpreter" ? { name: "video" } : { name: "queue" });
        }}
      />
    );

  return (
    <div className="app">
      <header className="top">
        <button className="brand" onClick={() => setScreen(home)}>
          Telecons
        </button>
        <nav>
          {staff.role !== "interpreter" && (
            <button className={screen.name === "queue" || screen.name === "thread" ? "active" : ""} onClick={() => setScreen({ name: "queue" })}>
              {t("nav.queue")}
              {unread.size > 0 && (
                <span className="badge" data-testid="unread-count" aria-label={t("queue.unread")}>
                  {unread.size}
                </span>
              )}
            </button>
          )}
          {staff.doctorId && (
            <button className={screen.name === "alerts" ? "active" : ""} onClick={() => setScreen({ name: "alerts" })}>
              {t("nav.alerts")}
              {openAlerts > 0 && (
                <span className="badge" data-testid="alert-count">
                  {openAlerts}
                </span>
              )}
            </button>
          )}
          {staff.doctorId && (
            <button className={screen.name === "colleagues" ? "active" : ""} onClick={() => setScreen({ name: "colleagues" })}>
              {t("nav.colleagues")}
            </button>
          )}
          {reviews && (
            <button className={screen.name === "labReview" ? "active" : ""} onClick={() => setScreen({ name: "labReview" })}>
              {t("nav.labReview")}
              {toReview > 0 && (
                <span className="badge" data-testid="review-count">
                  {toReview}
                </span>
              )}
            </button>
          )}
          {staff.doctorId && (
            <button className={screen.name === "renewals" ? "active" : ""} onClick={() => setScreen({ name: "renewals" })}>
              {t("nav.renewals")}
            </button>
          )}
          {staff.doctorId && (
            <button className={screen.name === "consilia" ? "active" : ""} onClick={() => setScreen({ name: "consilia" })}>
              {t("nav.consilia")}
            </button>
          )}
          {(staff.doctorId || staff.role === "interpreter") && (
            <button className={screen.name === "video" ? "active" : ""} onClick={() => setScreen({ name: "video" })}>
              {t("nav.video")}
            </button>
          )}
          {staff.role === "interpreter" && (
            <button className={screen.name === "translations" ? "active" : ""} onClick={() => setScreen({ name: "translations" })}>
              {t("nav.translations")}
            </button>
          )}
          {plansRota && (
            <button className={screen.name === "rota" ? "active" : ""} onClick={() => setScreen({ name: "rota" })}>
              {t("nav.rota")}
            </button>
          )}
          {staff.role === "admin" && (
            <button className={screen.name === "admin" ? "active" : ""} onClick={() => setScreen({ name: "admin" })}>
              {t("nav.admin")}
            </button>
          )}
          {staff.role === "admin" && (
            <button className={screen.name === "inPerson" ? "active" : ""} onClick={() => setScreen({ name: "inPerson" })}>
              {t("nav.frontDesk")}
            </button>
          )}
          {staff.role === "admin" && (
            <button className={screen.name === "analytics" ? "active" : ""} onClick={() => setScreen({ name: "analytics" })}>
              {t("nav.analytics")}
            </button>
          )}
        </nav>
        <div className="who">
          <span>
            {staff.name} · {t(`role.${staff.role}`)}
          </span>
          <button onClick={() => setLanguage(language === "ru" ? "en" : "ru")}>{language === "ru" ? "EN" : "RU"}</button>
          <button onClick={logout}>{t("nav.logout")}</button>
        </div>
      </header>
      {notice && (
        <div className="notice" role="alert" data-testid="notice" onClick={() => setNotice(null)}>
          {notice}
        </div>
      )}
      {coverageGaps && plansRota && (
        <div className="notice coverage-banner" role="alert" data-testid="coverage-banner">
          <span>{t("notice.coverageGaps", { count: coverageGaps.count })}</span>
          <button
            className="link"
            onClick={() => {
              setScreen({ name: "rota" });
              setCoverageGaps(null);
            }}
          >
            {t("notice.openRota")}
          </button>
          <button className="small" onClick={() => setCoverageGaps(null)} aria-label={t("notice.dismiss")}>
            ×
          </button>
        </div>
      )}
      <main>
        {screen.name === "queue" && <Queue staff={staff} live={live} unread={unread} onOpen={open} />}
        {screen.name === "thread" && (
          <ThreadView staff={staff} id={screen.id} live={live} onBack={() => setScreen({ name: "queue" })} />
        )}
        {screen.name === "admin" && <Admin />}
        {screen.name === "inPerson" && <InPerson />}
        {screen.name === "rota" && plansRota && <Rota staff={staff} live={coverageLive} />}
        {screen.name === "consilia" && <ConsiliaScreen staff={staff} />}
        {screen.name === "analytics" && (
          <Suspense fallback={<div className="loading">…</div>}>
            <Analytics />
          </Suspense>
        )}
        {screen.name === "alerts" && <Alerts live={alertsLive} onChanged={() => setAlertsLive((n) => n + 1)} onOpenConsultation={open} />}
        {screen.name === "colleagues" && staff.doctorId && <Colleagues doctorId={staff.doctorId} live={live} />}
        {screen.name === "renewals" && <Renewals onOpenConsultation={open} />}
        {screen.name === "labReview" && <LabReview live={reviewLive} onChanged={() => setReviewLive((n) => n + 1)} />}
        {screen.name === "translations" && <Translations />}
        {screen.name === "video" && (staff.role === "interpreter" ? <InterpreterCalls /> : <Video staff={staff} />)}
      </main>
    </div>
  );
}
