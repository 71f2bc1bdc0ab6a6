import { randomInt, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { totpCode } from "../core/staff/totp";
import { startHarness, type Harness } from "./helpers/harness";
import { TestPki } from "./helpers/test-pki";

/**
 * The route × role matrix: every route the app registers is classified here, and each staff route is called as
 * anonymous, as each role, as a doctor without and a doctor with a care relationship to one seeded patient, and
 * with that patient's own account session. A route nobody classified fails the first test, so a new route
 * cannot be forgotten. Refusals are 401/403 (404 only for things that do not exist), never 500; allowed clinical
 * reads and writes leave an audit row naming the doctor.
 */

type Actor = "anonymous" | "patient" | "doctorWith" | "doctorWithout" | "operator" | "admin" | "interpreter";
const staffActors = ["doctorWith", "doctorWithout", "operator", "admin", "interpreter"] as const;
type StaffActor = (typeof staffActors)[number];

interface Call {
  url: string;
  payload?: unknown;
}
interface StaffCase {
  /** The route as registered, e.g. `GET /api/v1/patients/:patientId/readings`. */
  route: string;
  call: () => Call;
  /** The actors allowed, with the status they get; every other staff actor gets `denied` (403 unless told). */
  allow: Partial<Record<StaffActor, number>>;
  denied?: number;
  /** The audit row an allowed doctor's call leaves (checked for doctorWith). */
  audit?: { action: string; entityId: () => string };
  /** Why an allowed actor is not called (a stream that never ends; a change that would reach other tests). */
  skipAllowed?: string;
}

let h: Harness;
const password = "a long enough password";
const headers: Partial<Record<Actor, Record<string, string>>> = {};
const ids: Record<string, string> = {};
const doctorIds: Partial<Record<StaffActor, string>> = {};
const secrets: Partial<Record<StaffActor, string>> = {};

async function staffSession(actor: StaffActor, role: "doctor" | "operator" | "admin" | "interpreter", specialties: string[]) {
  const email = `matrix-${actor}-${randomUUID().slice(0, 8)}@clinic.test`;
  // The run's database is shared: an English interpreter here would be offered to other tests' English calls.
  const languages = role === "interpreter" ? ["az"] : ["ru", "en"];
  const created = await h.services.staff.create({ email, name: `Matrix ${actor}`, role, password, specialties, languages });
  const login = await h.app.inject({ method: "POST", url: "/api/v1/auth/login", payload: { email, password, code: totpCode(created.totpSecret) } });
  expect(login.statusCode).toBe(200);
  headers[actor] = { cookie: String(login.headers["set-cookie"]).split(";")[0]!, "x-requested-with": "telecons-console" };
  if (created.staff.doctor) doctorIds[actor] = created.staff.doctor.id;
  secrets[actor] = created.totpSecret;
  return created.staff;
}

const api = (path: string) => `/api/v1${path}`;
const json = (actor: Actor, method: string, url: string, payload?: unknown) =>
  h.app.inject({ method: method as "GET", url, headers: headers[actor] ?? {}, ...(payload === undefined ? {} : { payload: payload as object }) });

beforeAll(async () => {
  // A metrics token, as production requires: /metrics is then public with its own credentials.
  h = await startHarness({ METRICS_TOKEN: "matrix-metrics-token-0123456789abcdef" }, { workers: false });
  await staffSession("doctorWith", "doctor", ["gp"]);
  await staffSession("doctorWithout", "doctor", ["cardiology"]);
  await staffSession("operator", "operator", []);
  await staffSession("admin", "admin", []);
  await staffSession("interpreter", "interpreter", []);
  ids.spareStaff = (await h.services.staff.create({ email: `matrix-spare-${randomUUID().slice(0, 8)}@clinic.test`, name: "Spare", role: "operator", password })).staff.id;

  // One patient in doctorWith's care (they hold consultation `held`); `open` waits unassigned in gp/ru.
  const patient = await h.db.patient.create({ data: { language: "ru" } });
  ids.patient = patient.id;
  const account = await h.db.messengerAccount.create({
    data: { channel: "telegram", externalUserId: String(randomInt(10_000_000, 2 ** 40)), chatId: "1", patientId: patient.id },
  });
  const consultation = (data: object) => h.db.consultation.create({ data: { patientId: patient.id, accountId: account.id, kind: "async_chat", ...data } });
  ids.held = (await consultation({ doctorId: doctorIds.doctorWith, status: "in_progress", takenAt: new Date() })).id;
  ids.open = (await consultation({ status: "new" })).id;
  ids.routed = (await consultation({ status: "new" })).id;
  ids.file = await h.services.files.save(Buffer.from("%PDF-1.4 matrix"), { mimeType: "application/pdf", fileName: "a.pdf" });
  await h.db.message.create({
    data: { consultationId: ids.held, authorRole: "patient", text: "Кашель", attachments: [{ fileId: ids.file, kind: "document", mimeType: "application/pdf", fileName: "a.pdf", size: 15 }] },
  });

  // Things that belong to the patient, made by the doctor in their care through the api.
  const as = (method: string, path: string, payload?: unknown) => json("doctorWith", method, api(path), payload);
  ids.protocol = (await as("POST", `/consultations/${ids.held}/protocol`)).json().id;
  // Ask a colleague: doctorWithout is invited by name (reads the case while open), and by specialty (cardiology).
  const invite = async (payload: object) => (await as("POST", `/consultations/${ids.held}/colleague-invitations`, { question: "ЭКГ?", ...payload })).json().id;
  ids.invitation = await invite({ colleagueId: doctorIds.doctorWithout });
  ids.specialtyInvitation = await invite({ specialty: "cardiology" });
  ids.withdrawable = await invite({ colleagueId: doctorIds.doctorWithout });
  // Signing needs the doctor's certificate (an admin uploads it); the upload route is called with another one.
  const pki = new TestPki();
  pki.issueDoctor(doctorIds.doctorWith!, "Matrix doctorWith");
  await h.services.certificates.upload(doctorIds.doctorWith!, pki.p12(doctorIds.doctorWith!), pki.password, { type: "staff", id: ids.spareStaff! });
  pki.issueDoctor(doctorIds.doctorWithout!, "Matrix doctorWithout");
  certificateUpload = { base64: pki.p12(doctorIds.doctorWithout!).toString("base64"), password: pki.password };
  ids.labOrder = (await as("POST", `/patients/${ids.patient}/lab-orders`, { tests: ["58410-2"] })).json().id;
  ids.token = (await as("POST", `/patients/${ids.patient}/ingestion-tokens`, { label: "tonometer" })).json().id;
  ids.schedule = (await as("POST", `/patients/${ids.patient}/medication-schedules`, medication)).json().id;
  // A consilium on the held case with a colleague outside the matrix (an invitation makes a care relationship).
  ids.colleague = (await h.newDoctor("Matrix colleague")).doctor.id;
  ids.consilium = (await as("POST", `/consultations/${ids.held}/consilia`, { question: "Тактика?", doctorIds: [ids.colleague] })).json().id;
  for (const id of [ids.protocol, ids.labOrder, ids.token, ids.schedule, ids.consilium]) expect(id).toMatch(/^[0-9a-f-]{36}$/);
  const reading = await h.db.reading.create({
    data: { patientId: patient.id, deviceId: "d1", kind: "blood_pressure", value: 190, value2: 125, source: "json", measuredAt: new Date() },
  });
  ids.alert = (
    await h.db.monitoringAlert.create({
      data: { patientId: patient.id, doctorId: doctorIds.doctorWith, metric: "systolic", level: "critical", firstReadingId: reading.id, lastReadingId: reading.id, lastValue: 190, lastAt: new Date() },
    })
  ).id;
  // The rota (issue 22): a shift and a rule to move and delete, years ahead so no other suite's duty check sees them.
  const rotaBy = { type: "staff" as const, id: ids.spareStaff! };
  ids.rotaShift = (await h.services.rota.addShift({ kind: "doctor", doctorId: doctorIds.doctorWith!, specialty: "gp", startsAt: rotaAt(0), endsAt: rotaAt(8) }, rotaBy)).id;
  ids.coverageRule = (await h.services.rota.addRule({ specialty: "cardiology", language: "az", from: "08:00", to: "22:00" }, rotaBy)).id;
  ids.review = (await h.db.labReviewItem.create({ data: { labId: "matrix", reason: "no order", payload: { resourceType: "Bundle" } } })).id;

  // The patient's own credentials: an account session from a login link.
  const link = await h.services.accounts.createLoginLink(patient.id);
  const redeemed = await h.services.accounts.redeem(new URL(link.url).searchParams.get("token")!);
  headers.patient = { cookie: `tc_account=${redeemed.sessionToken}` };
}, 60_000);

afterAll(async () => {
  await h?.close();
});

const medication = { medicine: "Лозартан", dose: "50 мг", timesOfDay: ["09:00"], startDate: "2027-01-01", endDate: "2027-01-10" };
const future = (hours: number) => new Date(Date.now() + hours * 3600_000).toISOString();
const nowhere = "00000000-0000-4000-8000-000000000000";
const rotaAt = (hour: number) => new Date(Date.UTC(2031, 0, 6, hour)).toISOString();
const readRota = { operator: 200, admin: 200 };
const patientAudit = (action: string) => ({ action, entityId: () => ids.patient! });

const everyStaff = { doctorWith: 200, doctorWithout: 200, operator: 200, admin: 200, interpreter: 200 };
const doctors = (status: number) => ({ doctorWith: status, doctorWithout: status });
const careOnly = (status: number) => ({ doctorWith: status });

/** Every staff route (under /api/v1, behind a staff session or a doctor's bearer token), in the order called. */
const staffCases: StaffCase[] = [
  { route: "GET /api/v1/me", call: () => ({ url: api("/me") }), allow: everyStaff },
  { route: "GET /api/v1/specialties", call: () => ({ url: api("/specialties") }), allow: everyStaff },
  { route: "GET /api/v1/icd10", call: () => ({ url: api("/icd10?q=J06") }), allow: everyStaff },
  { route: "GET /api/v1/lab-tests", call: () => ({ url: api("/lab-tests") }), allow: everyStaff },
  { route: "GET /api/v1/labs", call: () => ({ url: api("/labs") }), allow: everyStaff },

  // --- consultations: routing facts for operators, the thread for its doctors ---
  { route: "GET /api/v1/consultations", call: () => ({ url: api("/consultations") }), allow: { ...doctors(200), operator: 200, admin: 200 } },
  {
    route: "GET /api/v1/consultations/:id",
    call: () => ({ url: api(`/consultations/${ids.held}`) }),
    allow: careOnly(200),
    audit: { action: "consultation.read", entityId: () => ids.held! },
  },
  {
    route: "GET /api/v1/consultations/:id/files/:fileId",
    call: () => ({ url: api(`/consultations/${ids.held}/files/${ids.file}`) }),
    allow: careOnly(200),
    audit: { action: "file.download", entityId: () => ids.file! },
  },
  {
    route: "POST /api/v1/consultations/:id/messages",
    call: () => ({ url: api(`/consultations/${ids.held}/messages`), payload: { text: "Как самочувствие?" } }),
    allow: careOnly(201),
    audit: { action: "consultation.reply", entityId: () => ids.held! },
  },
  {
    route: "POST /api/v1/consultations/:id/follow-ups",
    call: () => ({ url: api(`/consultations/${ids.held}/follow-ups`), payload: { question: "Как давление?", afterHours: 24 } }),
    allow: careOnly(201),
    audit: { action: "follow_up.schedule", entityId: () => ids.held! },
  },
  {
    route: "POST /api/v1/consultations/:id/take",
    call: () => ({ url: api(`/consultations/${ids.open}/take`) }),
    allow: careOnly(204),
    audit: { action: "consultation.take", entityId: () => ids.open! },
  },
  {
    route: "POST /api/v1/consultations/:id/close",
    call: () => ({ url: api(`/consultations/${ids.open}/close`), payload: { outcome: "no_reply" } }), // no protocol here: an outcome without medical care
    allow: careOnly(204),
    audit: { action: "consultation.close", entityId: () => ids.open! },
  },
  {
    route: "POST /api/v1/consultations/:id/assign",
    call: () => ({ url: api(`/consultations/${ids.routed}/assign`), payload: { doctorId: doctorIds.doctorWith } }),
    allow: { operator: 204, admin: 204 },
  },
  { route: "POST /api/v1/files", call: () => ({ url: api("/files"), payload: { fileName: "m.pdf", mimeType: "application/pdf", base64: Buffer.from("%PDF-1.4 m").toString("base64"), kind: "leaflet" } }), allow: doctors(201) },

  // --- ask a colleague: the treating doctor asks; the invited colleague (doctorWithout) reads the case until answering ---
  { route: "GET /api/v1/colleagues", call: () => ({ url: api("/colleagues") }), allow: doctors(200) },
  {
    route: "POST /api/v1/consultations/:id/colleague-invitations",
    call: () => ({ url: api(`/consultations/${ids.held}/colleague-invitations`), payload: { specialty: "neurology", question: "МРТ?" } }),
    allow: careOnly(201),
  },
  {
    route: "GET /api/v1/consultations/:id/colleague-invitations",
    call: () => ({ url: api(`/consultations/${ids.held}/colleague-invitations`) }),
    allow: careOnly(200),
    audit: { action: "colleague.list", entityId: () => ids.held! },
  },
  { route: "GET /api/v1/colleague-invitations", call: () => ({ url: api("/colleague-invitations") }), allow: doctors(200) },
  { route: "POST /api/v1/colleague-invitations/:id/accept", call: () => ({ url: api(`/colleague-invitations/${ids.specialtyInvitation}/accept`) }), allow: { doctorWithout: 200 } },
  { route: "GET /api/v1/colleague-invitations/:id/case", call: () => ({ url: api(`/colleague-invitations/${ids.invitation}/case`) }), allow: { doctorWithout: 200 } },
  {
    route: "GET /api/v1/colleague-invitations/:id/files/:fileId",
    call: () => ({ url: api(`/colleague-invitations/${ids.invitation}/files/${ids.file}`) }),
    allow: { doctorWithout: 200 },
  },
  {
    route: "POST /api/v1/colleague-invitations/:id/answer",
    call: () => ({ url: api(`/colleague-invitations/${ids.invitation}/answer`), payload: { answer: "ЭКГ в норме" } }),
    allow: { doctorWithout: 200 },
  },
  { route: "POST /api/v1/colleague-invitations/:id/withdraw", call: () => ({ url: api(`/colleague-invitations/${ids.withdrawable}/withdraw`) }), allow: careOnly(200) },
  {
    route: "POST /api/v1/protocols/:id/colleague-answers",
    call: () => ({ url: api(`/protocols/${ids.protocol}/colleague-answers`), payload: { invitationId: ids.invitation } }),
    allow: careOnly(200),
    audit: { action: "protocol.cite_colleague", entityId: () => ids.protocol! },
  },

  // --- protocols and documents ---
  {
    route: "POST /api/v1/consultations/:id/protocol",
    call: () => ({ url: api(`/consultations/${ids.held}/protocol`) }),
    allow: careOnly(201),
  },
  {
    route: "GET /api/v1/consultations/:id/protocols",
    call: () => ({ url: api(`/consultations/${ids.held}/protocols`) }),
    allow: careOnly(200),
    audit: { action: "protocol.list", entityId: () => ids.held! },
  },
  {
    route: "GET /api/v1/protocols/:id",
    call: () => ({ url: api(`/protocols/${ids.protocol}`) }),
    allow: careOnly(200),
    audit: { action: "protocol.read", entityId: () => ids.protocol! },
  },
  {
    route: "PUT /api/v1/protocols/:id",
    call: () => ({ url: api(`/protocols/${ids.protocol}`), payload: { complaints: "Кашель три дня", recommendations: "Питьё" } }),
    allow: careOnly(200),
    audit: { action: "protocol.update", entityId: () => ids.protocol! },
  },
  {
    route: "GET /api/v1/protocols/:id/documents",
    call: () => ({ url: api(`/protocols/${ids.protocol}/documents`) }),
    allow: careOnly(200),
    audit: { action: "document.list", entityId: () => ids.protocol! },
  },
  {
    route: "POST /api/v1/protocols/:id/sign",
    call: () => ({ url: api(`/protocols/${ids.protocol}/sign`) }),
    allow: careOnly(200),
    audit: { action: "protocol.sign", entityId: () => ids.protocol! },
  },
  {
    route: "POST /api/v1/protocols/:id/corrections",
    call: () => ({ url: api(`/protocols/${ids.protocol}/corrections`) }),
    allow: careOnly(201),
  },

  // --- consilia: called by the thread's doctor, worked by the doctors in it (a doctor in the patient's care) ---
  {
    route: "POST /api/v1/consultations/:id/consilia",
    call: () => ({ url: api(`/consultations/${ids.held}/consilia`), payload: { question: "Ещё один?", doctorIds: [ids.colleague] } }),
    allow: careOnly(201),
  },
  {
    route: "GET /api/v1/consultations/:id/consilia",
    call: () => ({ url: api(`/consultations/${ids.held}/consilia`) }),
    allow: careOnly(200),
    audit: { action: "consilium.list", entityId: () => ids.held! },
  },
  { route: "GET /api/v1/consilia", call: () => ({ url: api("/consilia") }), allow: doctors(200) },
  { route: "GET /api/v1/consilia/colleagues", call: () => ({ url: api("/consilia/colleagues?specialty=gp") }), allow: doctors(200) },
  {
    route: "GET /api/v1/consilia/:id",
    call: () => ({ url: api(`/consilia/${ids.consilium}`) }),
    allow: careOnly(200),
    audit: { action: "consilium.read", entityId: () => ids.consilium! },
  },
  { route: "POST /api/v1/consilia/:id/start", call: () => ({ url: api(`/consilia/${ids.consilium}/start`) }), allow: careOnly(200) },
  { route: "POST /api/v1/consilia/:id/link", call: () => ({ url: api(`/consilia/${ids.consilium}/link`) }), allow: careOnly(200) },
  {
    route: "PUT /api/v1/consilia/:id/conclusion",
    call: () => ({ url: api(`/consilia/${ids.consilium}/conclusion`), payload: { recommendations: "Наблюдение" } }),
    allow: careOnly(200),
    audit: { action: "consilium.conclusion", entityId: () => ids.consilium! },
  },
  {
    route: "POST /api/v1/consilia/:id/sign",
    call: () => ({ url: api(`/consilia/${ids.consilium}/sign`) }),
    allow: careOnly(200),
    audit: { action: "consilium.sign", entityId: () => ids.consilium! },
  },
  {
    route: "GET /api/v1/patients/:id/in-person-visits",
    call: () => ({ url: api(`/patients/${ids.patient}/in-person-visits`) }),
    allow: careOnly(200),
    audit: patientAudit("in_person_visit.list"),
  },
  {
    route: "POST /api/v1/patients/:id/in-person-visits",
    call: () => ({ url: api(`/patients/${ids.patient}/in-person-visits`), payload: { visitedAt: "2026-10-01T08:00:00Z", icd10Code: "J06.9", problem: "ОРВИ" } }),
    allow: { admin: 201 }, // IN_PERSON_VISIT_RECORDERS=admin (the default): not the diagnosing doctor
  },
  {
    route: "POST /api/v1/in-person-visits/import",
    call: () => ({
      url: api("/in-person-visits/import"),
      payload: { visits: [{ patientId: ids.patient, externalId: `mis-${ids.patient}`, visitedAt: "2026-09-01T08:00:00Z", icd10Code: "J06.9", problem: "ОРВИ" }] },
    }),
    allow: { admin: 200 },
  },
  // The front desk's in-person appointments (IN_PERSON_VISIT_RECORDERS, admin by default).
  { route: "GET /api/v1/in-person/appointments", call: () => ({ url: api("/in-person/appointments") }), allow: { admin: 200 } },
  {
    route: "POST /api/v1/in-person/appointments/:id/attended",
    call: () => ({ url: api(`/in-person/appointments/${randomUUID()}/attended`), payload: { icd10Code: "I10", problem: "Hypertension" } }),
    allow: { admin: 404 }, // no such appointment: the role passes, the id does not
  },

  // --- monitoring ---
  {
    route: "GET /api/v1/patients/:patientId/readings",
    call: () => ({ url: api(`/patients/${ids.patient}/readings`) }),
    allow: careOnly(200),
    audit: patientAudit("readings.read"),
  },
  {
    route: "GET /api/v1/patients/:patientId/readings/chart.svg",
    call: () => ({ url: api(`/patients/${ids.patient}/readings/chart.svg?kind=blood_pressure`) }),
    allow: careOnly(200),
    audit: patientAudit("readings.read"),
  },
  {
    route: "GET /api/v1/patients/:patientId/thresholds",
    call: () => ({ url: api(`/patients/${ids.patient}/thresholds`) }),
    allow: careOnly(200),
    audit: patientAudit("thresholds.read"),
  },
  {
    // The issue's case: another specialty's doctor raising the critical limit and becoming "responsible".
    route: "PUT /api/v1/patients/:patientId/thresholds",
    call: () => ({ url: api(`/patients/${ids.patient}/thresholds`), payload: { systolic: { high: 160, criticalHigh: 180 } } }),
    allow: careOnly(200),
    audit: patientAudit("thresholds.update"),
  },
  {
    route: "GET /api/v1/patients/:patientId/ingestion-tokens",
    call: () => ({ url: api(`/patients/${ids.patient}/ingestion-tokens`) }),
    allow: careOnly(200),
    audit: patientAudit("ingestion_tokens.list"),
  },
  {
    route: "POST /api/v1/patients/:patientId/ingestion-tokens",
    call: () => ({ url: api(`/patients/${ids.patient}/ingestion-tokens`), payload: { label: "glucometer" } }),
    allow: careOnly(201),
    audit: patientAudit("ingestion_token.issue"),
  },
  {
    route: "DELETE /api/v1/ingestion-tokens/:id",
    call: () => ({ url: api(`/ingestion-tokens/${ids.token}`) }),
    allow: careOnly(200),
    audit: patientAudit("ingestion_token.revoke"),
  },
  { route: "GET /api/v1/monitoring/alerts", call: () => ({ url: api("/monitoring/alerts") }), allow: doctors(200) },
  {
    route: "POST /api/v1/monitoring/alerts/:id/acknowledge",
    call: () => ({ url: api(`/monitoring/alerts/${ids.alert}/acknowledge`) }),
    allow: careOnly(200),
    audit: { action: "alert.acknowledge", entityId: () => ids.alert! },
  },

  // --- labs ---
  {
    route: "POST /api/v1/patients/:patientId/lab-orders",
    call: () => ({ url: api(`/patients/${ids.patient}/lab-orders`), payload: { tests: ["1988-5"] } }),
    allow: careOnly(201),
  },
  {
    route: "GET /api/v1/patients/:patientId/lab-orders",
    call: () => ({ url: api(`/patients/${ids.patient}/lab-orders`) }),
    allow: careOnly(200),
    audit: patientAudit("lab_orders.list"),
  },
  {
    route: "GET /api/v1/lab-orders/:id",
    call: () => ({ url: api(`/lab-orders/${ids.labOrder}`) }),
    allow: careOnly(200),
    audit: { action: "lab_order.read", entityId: () => ids.labOrder! },
  },
  { route: "GET /api/v1/labs/review", call: () => ({ url: api("/labs/review") }), allow: { ...doctors(200), operator: 200, admin: 200 } },
  {
    route: "POST /api/v1/labs/review/:id/resolve",
    call: () => ({ url: api(`/labs/review/${ids.review}/resolve`), payload: {} }),
    // Filed once (by whoever comes first); after that each allowed role is told it is already filed.
    allow: { doctorWith: 200, doctorWithout: 409, operator: 409, admin: 409 },
  },

  // --- reminders ---
  {
    route: "GET /api/v1/patients/:patientId/reminders",
    call: () => ({ url: api(`/patients/${ids.patient}/reminders`) }),
    allow: careOnly(200),
    audit: patientAudit("reminders.read"),
  },
  {
    route: "POST /api/v1/patients/:patientId/medication-schedules",
    call: () => ({ url: api(`/patients/${ids.patient}/medication-schedules`), payload: medication }),
    allow: careOnly(201),
    audit: patientAudit("medication_schedule.create"),
  },
  {
    route: "DELETE /api/v1/medication-schedules/:id",
    call: () => ({ url: api(`/medication-schedules/${ids.schedule}`) }),
    allow: careOnly(204),
    audit: patientAudit("medication_schedule.cancel"),
  },
  {
    route: "POST /api/v1/prescriptions/medication-schedules",
    call: () => ({ url: api("/prescriptions/medication-schedules"), payload: { id: `rx-${ids.patient}`, patientId: ids.patient, items: [medication] } }),
    allow: careOnly(201),
    audit: patientAudit("medication_schedule.prescribe"),
  },
  {
    route: "PUT /api/v1/patients/:patientId/quiet-hours",
    call: () => ({ url: api(`/patients/${ids.patient}/quiet-hours`), payload: { start: "22:00", end: "08:00" } }),
    allow: careOnly(204),
    audit: patientAudit("reminders.quiet_hours"),
  },

  // --- prescription renewal: the doctors' own queue (routing is the renewal desk's rule); deciding a request nobody has is 404 ---
  { route: "GET /api/v1/renewals", call: () => ({ url: api("/renewals") }), allow: doctors(200) },
  { route: "POST /api/v1/renewals/:id/approve", call: () => ({ url: api(`/renewals/${nowhere}/approve`) }), allow: doctors(404) },
  { route: "POST /api/v1/renewals/:id/change", call: () => ({ url: api(`/renewals/${nowhere}/change`) }), allow: doctors(404) },
  { route: "POST /api/v1/renewals/:id/decline", call: () => ({ url: api(`/renewals/${nowhere}/decline`), payload: { reason: "matrix" } }), allow: doctors(404) },

  // --- identity ---
  {
    route: "POST /api/v1/patients/:id/identity/verify",
    call: () => ({ url: api(`/patients/${ids.patient}/identity/verify`) }),
    allow: { doctorWith: 200, admin: 200 },
    audit: patientAudit("identity.verify"),
  },

  // --- video: the doctor's own calls; interpreters their invitations ---
  { route: "GET /api/v1/video/shifts", call: () => ({ url: api("/video/shifts") }), allow: doctors(200) },
  { route: "POST /api/v1/video/shifts", call: () => ({ url: api("/video/shifts"), payload: { specialty: "gp", startsAt: future(240), endsAt: future(241) } }), allow: doctors(201) },
  { route: "GET /api/v1/video/requests", call: () => ({ url: api("/video/requests") }), allow: doctors(200) },
  { route: "GET /api/v1/video/stream", call: () => ({ url: api("/video/stream") }), allow: doctors(200), skipAllowed: "an event stream never ends" },
  { route: "POST /api/v1/video/requests/:id/accept", call: () => ({ url: api(`/video/requests/${nowhere}/accept`) }), allow: doctors(404) },
  { route: "GET /api/v1/video/visits", call: () => ({ url: api("/video/visits") }), allow: doctors(200) },
  { route: "GET /api/v1/video/visits/:id", call: () => ({ url: api(`/video/visits/${nowhere}`) }), allow: doctors(404) },
  { route: "POST /api/v1/video/visits/:id/link", call: () => ({ url: api(`/video/visits/${nowhere}/link`) }), allow: doctors(404) },
  { route: "POST /api/v1/video/visits/:id/end", call: () => ({ url: api(`/video/visits/${nowhere}/end`) }), allow: doctors(404) },
  { route: "POST /api/v1/video/visits/:id/recording", call: () => ({ url: api(`/video/visits/${nowhere}/recording`) }), allow: doctors(404) },
  { route: "DELETE /api/v1/video/visits/:id/recording", call: () => ({ url: api(`/video/visits/${nowhere}/recording`) }), allow: doctors(404) },
  { route: "POST /api/v1/video/slots", call: () => ({ url: api("/video/slots"), payload: { specialty: "gp", startsAt: future(300), endsAt: future(301) } }), allow: doctors(201) },
  { route: "GET /api/v1/video/slots", call: () => ({ url: api("/video/slots") }), allow: doctors(200) },
  { route: "POST /api/v1/video/appointments/:id/start", call: () => ({ url: api(`/video/appointments/${nowhere}/start`) }), allow: doctors(404) },
  { route: "GET /api/v1/video/interpreting", call: () => ({ url: api("/video/interpreting") }), allow: { interpreter: 200 } },
  { route: "POST /api/v1/video/interpreting/:id/link", call: () => ({ url: api(`/video/interpreting/${nowhere}/link`) }), allow: { interpreter: 404 } },

  // --- second opinion: interpreters the documents they are asked to translate; doctors in care the translations ---
  { route: "GET /api/v1/translations", call: () => ({ url: api("/translations") }), allow: { interpreter: 200 } },
  { route: "GET /api/v1/translations/:id/original", call: () => ({ url: api(`/translations/${nowhere}/original`) }), allow: { interpreter: 404 } },
  { route: "POST /api/v1/translations/:id", call: () => ({ url: api(`/translations/${nowhere}`), payload: { text: "translation" } }), allow: { interpreter: 404 } },
  {
    route: "GET /api/v1/consultations/:id/translations",
    call: () => ({ url: api(`/consultations/${ids.held}/translations`) }),
    allow: careOnly(200),
    audit: { action: "translation.list", entityId: () => ids.held! },
  },

  // --- live events: routing facts, filtered per listener (see mayHear) ---
  { route: "GET /api/v1/events", call: () => ({ url: api("/events") }), allow: everyStaff, skipAllowed: "an event stream never ends" },

  // --- staff and settings: admins ---
  { route: "GET /api/v1/staff", call: () => ({ url: api("/staff") }), allow: { admin: 200 } },
  {
    route: "POST /api/v1/staff",
    call: () => ({ url: api("/staff"), payload: { email: `new-${randomUUID().slice(0, 8)}@clinic.test`, name: "New Operator", role: "operator", password } }),
    allow: { admin: 201 },
  },
  {
    route: "POST /api/v1/staff/:id/unlock",
    // The admin re-enters a code of their own; the next step's is accepted and newer than the one they logged in with.
    call: () => ({ url: api(`/staff/${ids.spareStaff}/unlock`), payload: { code: totpCode(secrets.admin!, Date.now() + 30_000) } }),
    allow: { admin: 204 },
  },
  { route: "POST /api/v1/staff/:id/disable", call: () => ({ url: api(`/staff/${ids.spareStaff}/disable`), payload: { disabled: true } }), allow: { admin: 204 } },
  { route: "GET /api/v1/audit", call: () => ({ url: api("/audit?limit=5") }), allow: { admin: 200 } },
  { route: "GET /api/v1/analytics", call: () => ({ url: api("/analytics?from=2026-11-01&to=2026-11-30&granularity=week") }), allow: { admin: 200 } },
  { route: "GET /api/v1/analytics.csv", call: () => ({ url: api("/analytics.csv?from=2026-11-01&to=2026-11-30") }), allow: { admin: 200 } },
  { route: "POST /api/v1/analytics/refresh", call: () => ({ url: api("/analytics/refresh?timeZone=Europe/Moscow") }), allow: { admin: 204 } },
  { route: "GET /api/v1/inbound/dead-letters", call: () => ({ url: api("/inbound/dead-letters?limit=5") }), allow: { admin: 200 } },
  { route: "GET /api/v1/mis-pushes/failed", call: () => ({ url: api("/mis-pushes/failed?limit=5") }), allow: { admin: 200 } },
  // No MIS in this harness: the admin is told so (409); test/mis-push.e2e.test.ts retries a real failure.
  { route: "POST /api/v1/mis-pushes/:protocolId/retry", call: () => ({ url: api(`/mis-pushes/${nowhere}/retry`) }), allow: { admin: 409 } },
  { route: "PUT /api/v1/specialties/:code", call: () => ({ url: api("/specialties/matrix"), payload: { nameRu: "Матрица", nameEn: "Matrix", active: false } }), allow: { admin: 200 } },
  // --- the rota and coverage rules (issue 22): admins and operators plan; admins set the rules ---
  { route: "GET /api/v1/rota", call: () => ({ url: api("/rota?from=2031-01-06&days=7") }), allow: readRota },
  { route: "GET /api/v1/rota/people", call: () => ({ url: api("/rota/people") }), allow: readRota },
  {
    route: "POST /api/v1/rota/shifts",
    call: () => ({ url: api("/rota/shifts"), payload: { kind: "doctor", doctorId: doctorIds.doctorWith, specialty: "gp", startsAt: rotaAt(8), endsAt: rotaAt(16) } }),
    allow: { operator: 201, admin: 201 },
  },
  {
    route: "PATCH /api/v1/rota/shifts/:id",
    call: () => ({ url: api(`/rota/shifts/${ids.rotaShift}`), payload: { kind: "doctor", startsAt: rotaAt(1), endsAt: rotaAt(9) } }),
    allow: { operator: 200, admin: 200 },
  },
  { route: "DELETE /api/v1/rota/shifts/:id", call: () => ({ url: api(`/rota/shifts/${nowhere}?kind=interpreter`) }), allow: { operator: 404, admin: 404 } },
  { route: "GET /api/v1/coverage-rules", call: () => ({ url: api("/coverage-rules") }), allow: readRota },
  {
    route: "POST /api/v1/coverage-rules",
    call: () => ({ url: api("/coverage-rules"), payload: { specialty: "cardiology", language: "ky", from: "22:00", to: "06:00" } }),
    allow: { admin: 201 },
  },
  { route: "DELETE /api/v1/coverage-rules/:id", call: () => ({ url: api(`/coverage-rules/${ids.coverageRule}`) }), allow: { admin: 204 } },
  { route: "GET /api/v1/coverage", call: () => ({ url: api("/coverage?from=2031-01-06&to=2031-01-12") }), allow: readRota },
  { route: "GET /api/v1/coverage/gaps", call: () => ({ url: api("/coverage/gaps?hours=24") }), allow: readRota },
  { route: "GET /api/v1/consent-texts", call: () => ({ url: api("/consent-texts") }), allow: { admin: 200 } },
  {
    route: "POST /api/v1/consent-texts/:kind",
    call: () => ({ url: api("/consent-texts/personal_data"), payload: { version: "matrix-1", texts: Object.fromEntries(["ru", "en", "uz", "tg", "ky", "az"].map((l) => [l, "x".repeat(60)])) } }),
    allow: { admin: 201 },
    skipAllowed: "publishing a consent text would ask every patient of this test run to consent again",
  },
  { route: "GET /api/v1/red-flags", call: () => ({ url: api("/red-flags") }), allow: { admin: 200 } },
  { route: "GET /api/v1/signing-certificates", call: () => ({ url: api("/signing-certificates") }), allow: { admin: 200 } },
  {
    route: "PUT /api/v1/doctors/:id/signing-certificate",
    call: () => ({ url: api(`/doctors/${doctorIds.doctorWithout}/signing-certificate`), payload: certificateUpload }),
    allow: { admin: 200 },
  },
  { route: "PUT /api/v1/red-flags", call: () => ({ url: api("/red-flags"), payload: { rules: redFlagRules } }), allow: { admin: 200 } },

  // --- the api's own description (README "OpenAPI"): every member of staff, as the console api it describes ---
  { route: "GET /openapi.json", call: () => ({ url: "/openapi.json" }), allow: everyStaff },
  { route: "GET /docs", call: () => ({ url: "/docs" }), allow: everyStaff },
  { route: "GET /docs/json", call: () => ({ url: "/docs/json" }), allow: everyStaff },
  { route: "GET /docs/yaml", call: () => ({ url: "/docs/yaml" }), allow: everyStaff },
  { route: "GET /docs/static/index.html", call: () => ({ url: "/docs/static/index.html" }), allow: { doctorWith: 302, doctorWithout: 302, operator: 302, admin: 302, interpreter: 302 } },
  { route: "GET /docs/static/swagger-initializer.js", call: () => ({ url: "/docs/static/swagger-initializer.js" }), allow: everyStaff },
  { route: "GET /docs/static/*", call: () => ({ url: "/docs/static/swagger-ui.css" }), allow: everyStaff },
];
let redFlagRules: unknown;
let certificateUpload: unknown;

/** Routes outside the staff scope: each refuses without its own credentials (status when called without them). */
const publicRoutes: Record<string, { call: () => Call; refused: number } | { open: string }> = {
  "GET /healthz": { open: "liveness probe" },
  "GET /readyz": { open: "readiness probe" },
  "GET /metrics": { call: () => ({ url: "/metrics" }), refused: 401 }, // Prometheus, with METRICS_TOKEN
  "POST /api/v1/auth/logout": { open: "ends whatever staff session the cookie names" },
  "POST /api/v1/auth/login": { call: () => ({ url: api("/auth/login"), payload: { email: "nobody@clinic.test", password: "x", code: "000000" } }), refused: 401 },
  "POST /webhooks/telegram": { call: () => ({ url: "/webhooks/telegram", payload: { update_id: 1 } }), refused: 401 },
  "POST /webhooks/vk": { call: () => ({ url: "/webhooks/vk", payload: { type: "message_new", group_id: 1, secret: "wrong" } }), refused: 403 },
  "POST /webhooks/max": { call: () => ({ url: "/webhooks/max", payload: { update_type: "bot_started", timestamp: 1 } }), refused: 401 }, // X-Max-Bot-Api-Secret
  "POST /webhooks/livekit": { call: () => ({ url: "/webhooks/livekit", payload: {} }), refused: 401 },
  "GET /widget": { open: "the chat page" },
  "GET /about": { open: "the clinic's disclosure page (Order 965n p. 46)" },
  "GET /widget/chat.js": { open: "a script" },
  "GET /widget/embed.js": { open: "a script" },
  "POST /widget/api/session": { open: "an anonymous visitor starts a chat (rate-limited per address)" },
  "POST /widget/api/messages": { call: () => ({ url: "/widget/api/messages", payload: { id: nowhere, text: "hi" } }), refused: 401 },
  "POST /widget/api/files": { call: () => ({ url: `/widget/api/files?id=${nowhere}&name=a.png` }), refused: 401 },
  "POST /widget/api/session/renew": { call: () => ({ url: "/widget/api/session/renew" }), refused: 401 },
  "POST /widget/api/events/ticket": { call: () => ({ url: "/widget/api/events/ticket" }), refused: 401 },
  "GET /widget/api/events": { call: () => ({ url: "/widget/api/events?ticket=wrong" }), refused: 401 },
  "GET /widget/files/:fileId": { call: () => ({ url: `/widget/files/${nowhere}?v=${nowhere}&e=1&s=wrong` }), refused: 403 },
  "GET /call/:token": { open: "the page itself; joining checks the token" },
  "GET /call-assets/call.js": { open: "a script" },
  "GET /call/:token/ping": { open: "keeps a page alive; answers nothing" },
  "POST /call/:token/join": { call: () => ({ url: "/call/wrong-token-0123456789abcdef/join", payload: { device: "matrix-device-0001" } }), refused: 404 },
  "POST /call/:token/end": { call: () => ({ url: "/call/wrong-token-0123456789abcdef/end", payload: { device: "matrix-device-0001" } }), refused: 404 },
  "GET /exam/link/:token": { call: () => ({ url: "/exam/link/wrong-token-0123456789abcdef" }), refused: 410 },
  "POST /exam/link/:token": { call: () => ({ url: "/exam/link/wrong-token-0123456789abcdef", payload: { exam: { regions: [], severity: 5, duration: "hours" } } }), refused: 404 },
  "GET /exam/app": { open: "the Mini App page; the submission is checked" },
  "POST /exam/app": { call: () => ({ url: "/exam/app", payload: { initData: "hash=wrong", intakeId: nowhere, exam: { regions: [], severity: 5, duration: "hours" } } }), refused: 401 },
  "GET /identity/oidc/callback": { call: () => ({ url: "/identity/oidc/callback?state=wrong&code=wrong" }), refused: 404 },
  "POST /api/v1/readings": { call: () => ({ url: api("/readings"), payload: [] }), refused: 401 },
  "POST /api/v1/entries": { call: () => ({ url: api("/entries"), payload: [] }), refused: 401 },
  "POST /api/v1/entries.json": { call: () => ({ url: api("/entries.json"), payload: [] }), refused: 401 },
  "POST /api/v1/labs/:labId/results": { call: () => ({ url: api("/labs/matrix/results"), payload: {} }), refused: 401 },
  // --- FHIR export (issue 20): the MIS's own SMART Backend Services tokens, never a staff session ---
  "GET /fhir/R4/metadata": { open: "the CapabilityStatement: what the server does, no patient data" },
  "GET /fhir/R4/.well-known/smart-configuration": { open: "where the token endpoint is, no patient data" },
  "POST /fhir/R4/auth/token": {
    call: () => ({
      url: "/fhir/R4/auth/token",
      payload: { grant_type: "client_credentials", client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", client_assertion: "not.a.jwt", scope: "system/*.read" },
    }),
    refused: 401,
  },
  "GET /fhir/R4/:type": { call: () => ({ url: `/fhir/R4/Observation?patient=${ids.patient}` }), refused: 401 },
  "GET /fhir/R4/:type/:id": { call: () => ({ url: `/fhir/R4/Patient/${ids.patient}` }), refused: 401 },
  "GET /fhir/R4/Patient/:id/$everything": { call: () => ({ url: `/fhir/R4/Patient/${ids.patient}/$everything` }), refused: 401 },
  "GET /fhir/R4/Binary/:id": { call: () => ({ url: `/fhir/R4/Binary/${nowhere}` }), refused: 401 },
  "GET /account/login": { call: () => ({ url: "/account/login?token=wrong-token-0123456789abcdef" }), refused: 401 },
  "GET /account": { call: () => ({ url: "/account" }), refused: 401 },
  "GET /account/overview.json": { call: () => ({ url: "/account/overview.json" }), refused: 401 },
  "GET /account/documents/:id": { call: () => ({ url: `/account/documents/${nowhere}` }), refused: 401 },
  "POST /account/logout": { open: "ends whatever session the cookie names" },
  // --- data rights and private mode ---
  "GET /account/my-data.json": { call: () => ({ url: "/account/my-data.json" }), refused: 401 },
  "GET /account/my-data.pdf": { call: () => ({ url: "/account/my-data.pdf" }), refused: 401 },
  "POST /account/delete": { call: () => ({ url: "/account/delete" }), refused: 401 },
  "POST /widget/api/secure-session": { call: () => ({ url: "/widget/api/secure-session", payload: { login: "wrong-token-0123456789abcdef" } }), refused: 401 },
  "GET /console": { open: "the console's static files" },
  "GET /console/*": { open: "the console's static files" },
};

const methodOf = (route: string) => route.split(" ")[0]!;

describe("route × role matrix", () => {
  it("classifies every route the app registers", () => {
    const registered = h.app.registeredRoutes.map((r) => `${r.method} ${r.url}`);
    const classified = new Set([...staffCases.map((c) => c.route), ...Object.keys(publicRoutes)]);
    expect(registered.filter((r) => !classified.has(r)), "routes the matrix does not classify").toEqual([]);
    // And nothing classified that the app no longer has (a stale row would hide a renamed route).
    const optional = new Set(["GET /console", "GET /console/*"]);
    expect([...classified].filter((r) => !registered.includes(r) && !optional.has(r))).toEqual([]);
  });

  it("refuses anonymous callers and the patient's own session on every staff route", async () => {
    for (const c of staffCases) {
      const { url, payload } = c.call();
      for (const actor of ["anonymous", "patient"] as const) {
        const response = await json(actor, methodOf(c.route), url, payload);
        expect(response.statusCode, `${actor} ${c.route}`).toBe(401);
      }
    }
  });

  it("answers each staff route per role: allowed with the expected status, refused with 403, never 500; clinical access audited", async () => {
    redFlagRules = (await json("admin", "GET", api("/red-flags"))).json().rules;
    const failures: string[] = [];
    for (const c of staffCases) {
      const { url, payload } = c.call();
      const refused = staffActors.filter((a) => c.allow[a] === undefined);
      const allowed = staffActors.filter((a) => c.allow[a] !== undefined);
      // Refusals first: they must change nothing, so the allowed calls after them still find their state.
      for (const actor of refused) {
        const response = await json(actor, methodOf(c.route), url, payload);
        if (response.statusCode !== (c.denied ?? 403)) failures.push(`${actor} ${c.route}: ${response.statusCode} ${response.body.slice(0, 200)}`);
      }
      if (c.skipAllowed) continue;
      for (const actor of allowed) {
        const since = new Date();
        const response = await json(actor, methodOf(c.route), url, payload);
        if (response.statusCode !== c.allow[actor]) failures.push(`${actor} ${c.route}: ${response.statusCode} (expected ${c.allow[actor]}) ${response.body.slice(0, 200)}`);
        if (c.audit && actor === "doctorWith") {
          const rows = await h.db.auditEvent.count({
            where: { actorId: doctorIds.doctorWith, action: c.audit.action, entityId: c.audit.entityId(), at: { gte: since } },
          });
          if (rows === 0) failures.push(`${actor} ${c.route}: no audit row ${c.audit.action}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it("refuses public routes without their own credentials", async () => {
    const failures: string[] = [];
    for (const [route, spec] of Object.entries(publicRoutes)) {
      if ("open" in spec) continue;
      const { url, payload } = spec.call();
      const response = await json("anonymous", methodOf(route), url, payload);
      if (response.statusCode !== spec.refused) failures.push(`${route}: ${response.statusCode} (expected ${spec.refused}) ${response.body.slice(0, 160)}`);
    }
    expect(failures).toEqual([]);
  });

  it("keeps the cross-patient cases of issue 12 closed", async () => {
    // Thresholds, device tokens, quiet hours and identity were refused above to the other specialty's doctor;
    // here: nothing of theirs reached the data.
    const plan = await h.db.monitoringPlan.findUniqueOrThrow({ where: { patientId: ids.patient } });
    expect(plan.doctorId).toBe(doctorIds.doctorWith);
    // Only the one read of the case through doctorWithout's invitation (its readings) touched the patient.
    const byOutsider = await h.db.auditEvent.findMany({ where: { actorId: doctorIds.doctorWithout, entityId: ids.patient }, select: { action: true } });
    expect(byOutsider.map((r) => r.action)).toEqual(["readings.read"]);
    // A prescription names no doctor: the schedule is the signed-in doctor's, whatever the body says.
    const rx = await json("doctorWith", "POST", api("/prescriptions/medication-schedules"), {
      id: `rx2-${ids.patient}`,
      patientId: ids.patient,
      doctorId: doctorIds.doctorWithout,
      items: [medication],
    });
    expect(rx.statusCode).toBe(201);
    expect((await h.db.medicationSchedule.findFirstOrThrow({ where: { prescriptionRef: `rx2-${ids.patient}#0` } })).doctorId).toBe(doctorIds.doctorWith);
    // A doctor not in the care of a patient gets the same 403 for an id that does not exist.
    const ghost = await json("doctorWithout", "GET", api(`/patients/${randomUUID()}/readings`));
    const real = await json("doctorWithout", "GET", api(`/patients/${ids.patient}/readings`));
    expect([ghost.statusCode, ghost.json().code]).toEqual([real.statusCode, real.json().code]);
    expect(real.statusCode).toBe(403);
  });
});
