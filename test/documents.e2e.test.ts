import { writeFileSync } from "node:fs";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { totpCode } from "../core/staff/totp";
import { startHarness, type Harness } from "./helpers/harness";
import { pdfsig, sealPng, TestPki } from "./helpers/test-pki";

let h: Harness;
let pki: TestPki;
const out = join(import.meta.dirname, "..", "test-output", "documents");

beforeAll(async () => {
  pki = new TestPki();
  const seal = join(pki.dir, "seal.png");
  writeFileSync(seal, sealPng());
  mkdirSync(out, { recursive: true });
  h = await startHarness({
    DOCTOR_CERTS_DIR: pki.certsDir,
    DOCTOR_CERTS_PASSWORD: pki.password,
    CLINIC_NAME: "ООО «Клиника Телеконс»",
    CLINIC_LICENSE: "Л041-01137-77/00368259",
    CLINIC_ADDRESS: "Москва, ул. Тверская, д. 1",
    CLINIC_SEAL_PNG: seal,
    PUBLIC_URL: "https://telecons.test",
  });
});
afterAll(async () => {
  await h?.close();
});

const texts = (chatId: number) => h.telegram.sent(chatId).map((call) => String(call.params.text));

/** A patient with consents and an open consultation, and a doctor with a signing certificate. */
async function setUp(language = "ru", complaint = "Давление 150/95 по вечерам, болит затылок") {
  const user = h.newPatient(language);
  await h.openConsultation(user, complaint);
  await h.telegram.waitFor(() => texts(user.id).some((text) => /№|No\./.test(text)));
  const account = await h.db.messengerAccount.findUniqueOrThrow({
    where: { channel_externalUserId: { channel: "telegram", externalUserId: String(user.id) } },
  });
  const consultation = await h.db.consultation.findFirstOrThrow({ where: { patientId: account.patientId } });
  const { doctor, apiToken } = await h.newDoctor("Анна Петрова");
  pki.issueDoctor(doctor.id, "Анна Петрова");
  const api = (method: "GET" | "POST" | "PUT", url: string, payload?: object) =>
    h.app.inject({ method, url: `/api/v1${url}`, headers: { authorization: `Bearer ${apiToken}` }, payload });
  // The protocol is its consultation's doctor's to write.
  expect((await api("POST", `/consultations/${consultation.id}/take`)).statusCode).toBe(204);
  return { user, patientId: account.patientId, consultation, doctor, api };
}

/** The front desk: in-person visits are entered by an admin (IN_PERSON_VISIT_RECORDERS), not by the diagnosing doctor. */
async function frontDesk() {
  const email = `desk-${Math.random().toString(36).slice(2)}@clinic.test`;
  const password = "a long enough password";
  const created = await h.services.staff.create({ email, name: "Front desk", role: "admin", password, specialties: [], languages: [] });
  const login = await h.app.inject({ method: "POST", url: "/api/v1/auth/login", payload: { email, password, code: totpCode(created.totpSecret) } });
  const headers = { cookie: String(login.headers["set-cookie"]).split(";")[0]!, "x-requested-with": "telecons-console" };
  return (url: string, payload: object) => h.app.inject({ method: "POST", url: `/api/v1${url}`, headers, payload });
}

const waitForDocuments = async (api: Awaited<ReturnType<typeof setUp>>["api"], protocolId: string, count: number) => {
  await expect
    .poll(async () => (await api("GET", `/protocols/${protocolId}/documents`)).json().documents.length, { timeout: 20_000, interval: 200 })
    .toBe(count);
  return (await api("GET", `/protocols/${protocolId}/documents`)).json().documents as Array<{ id: string; kind: string }>;
};

const hypertension = {
  patient: { fullName: "Иванова Мария Петровна", birthDate: "1970-05-12" },
  objective: "АД по домашнему тонометру 152/96",
  assessment: { kind: "diagnosis", text: "Артериальная гипертензия", codes: ["I10"] },
  recommendations: "Дневник давления",
  prescriptions: [{ medicine: "Лозартан", dose: "50 мг", schedule: "утром", durationDays: 30, treatmentChange: "change" }],
  referrals: [{ kind: "lab_tests", target: "Креатинин, калий" }],
};

describe("protocol guardrail through the api", () => {
  it("refuses a diagnosis and a prescription in a primary consultation, allows an assessment with a referral, and freezes it once signed", async () => {
    const { user, consultation, api } = await setUp();
    const started = await api("POST", `/consultations/${consultation.id}/protocol`);
    expect(started.statusCode).toBe(201);
    const draft = started.json();
    expect(draft).toMatchObject({ version: 1, status: "draft", remoteCare: { primary: true } });
    expect(draft.content.complaints).toBe("Давление 150/95 по вечерам, болит затылок");

    const refused = await api("PUT", `/protocols/${draft.id}`, hypertension);
    expect(refused.statusCode).toBe(422);
    const body = refused.json();
    expect(body.code).toBe("primary_consultation");
    expect(body.details.refused).toEqual(["diagnosis", "treatment_change"]);
    expect(body.details.explanation.ru).toContain("Консультация первичная");
    expect(body.details.explanation.en).toContain("primary consultation");
    const newPrescription = await api("PUT", `/protocols/${draft.id}`, {
      assessment: { kind: "preliminary", codes: ["I10"] },
      prescriptions: [{ medicine: "Амлодипин", dose: "5 мг", schedule: "вечером", durationDays: 30 }],
    });
    expect(newPrescription.json().details.refused).toEqual(["prescription"]);

    const allowed = await api("PUT", `/protocols/${draft.id}`, {
      complaints: draft.content.complaints,
      objective: "АД 150/95 со слов пациентки",
      assessment: { kind: "preliminary", text: "Подозрение на артериальную гипертензию", codes: ["I10"] },
      recommendations: "Дневник давления утром и вечером",
      referrals: [{ kind: "in_person_visit", target: "Терапевт, очный приём" }],
    });
    expect(allowed.statusCode).toBe(200);
    expect(allowed.json()).toMatchObject({ remoteCare: { primary: true, refused: [] } });

    const signed = await api("POST", `/protocols/${draft.id}/sign`);
    expect(signed.statusCode).toBe(200);
    expect(signed.json()).toMatchObject({ status: "signed", primary: true });
    expect((await api("PUT", `/protocols/${draft.id}`, { complaints: "другое" })).statusCode).toBe(409);
    expect((await api("POST", `/protocols/${draft.id}/sign`)).statusCode).toBe(409);

    const documents = await waitForDocuments(api, draft.id, 2);
    expect(documents.map((d) => d.kind).sort()).toEqual(["referral", "report"]);
    await h.telegram.waitFor(() => texts(user.id).some((text) => text.startsWith(`Документы по консультации № ${consultation.number} готовы (2)`)));
  });

  it("allows a diagnosis and prescriptions in a follow-up of an in-person visit for the same problem, not for another", async () => {
    const { user, patientId, consultation, api } = await setUp("en", "My blood pressure is high again");
    const visitInput = { visitedAt: "2026-09-01T10:00:00Z", icd10Code: "I10", problem: "Essential hypertension, treatment started" };
    // The doctor who would diagnose may not enter the visit that allows it (issue 15 point 4).
    const byDoctor = await api("POST", `/patients/${patientId}/in-person-visits`, visitInput);
    expect(byDoctor.statusCode).toBe(403);
    expect(byDoctor.json().message).toContain("IN_PERSON_VISIT_RECORDERS");
    const desk = await frontDesk();
    const visit = await desk(`/patients/${patientId}/in-person-visits`, visitInput);
    expect(visit.statusCode).toBe(201);
    expect((await api("GET", `/patients/${patientId}/in-person-visits`)).json().visits).toMatchObject([{ icd10Code: "I10", source: "staff", recordedById: expect.any(String) }]);
    expect(await h.db.auditEvent.count({ where: { action: "in_person_visit.record", entityId: patientId, actorType: "staff" } })).toBe(1);

    const draft = (await api("POST", `/consultations/${consultation.id}/protocol`)).json();
    // Another ICD-10 category is another problem: still primary for it.
    const otherProblem = await api("PUT", `/protocols/${draft.id}`, { ...hypertension, assessment: { kind: "diagnosis", codes: ["J06.9"] } });
    expect(otherProblem.statusCode).toBe(422);

    const followUp = await api("PUT", `/protocols/${draft.id}`, hypertension);
    expect(followUp.statusCode).toBe(200);
    expect(followUp.json()).toMatchObject({ primary: false, remoteCare: { primary: false, followsUp: [visit.json().id] } });
    expect((await api("POST", `/protocols/${draft.id}/sign`)).statusCode).toBe(200);
    const documents = await waitForDocuments(api, draft.id, 3);
    expect(documents.map((d) => d.kind).sort()).toEqual(["prescription", "referral", "report"]);
    await h.telegram.waitFor(() => texts(user.id).some((text) => text.startsWith(`3 documents for consultation No. ${consultation.number} are ready`)));

    // A correction is a new version referencing the signed one; the signed one stays as it was.
    const correction = await api("POST", `/protocols/${draft.id}/corrections`);
    expect(correction.statusCode).toBe(201);
    expect(correction.json()).toMatchObject({ version: 2, previousId: draft.id, status: "draft" });
    expect((await api("POST", `/protocols/${draft.id}/corrections`)).statusCode).toBe(409);
    const fixed = await api("PUT", `/protocols/${correction.json().id}`, { ...hypertension, recommendations: "Дневник давления, ограничить соль" });
    expect(fixed.statusCode).toBe(200);
    expect((await api("POST", `/protocols/${correction.json().id}/sign`)).statusCode).toBe(200);
    await waitForDocuments(api, correction.json().id, 3);
    const versions = (await api("GET", `/consultations/${consultation.id}/protocols`)).json().protocols;
    expect(versions.map((p: { version: number; status: string }) => [p.version, p.status])).toEqual([[1, "signed"], [2, "signed"]]);
    expect(versions[0].content.recommendations).toBe("Дневник давления");
  });

  it("turns signed prescriptions with reminder times into medication reminders; a correction keeps, changes or stops them", async () => {
    const { patientId, consultation, doctor, api } = await setUp("en", "Blood pressure again, the pills ran out");
    await (await frontDesk())(`/patients/${patientId}/in-person-visits`, { visitedAt: "2026-09-01T10:00:00Z", icd10Code: "I10", problem: "Essential hypertension" });
    // Entered by hand earlier; the protocol below stops it.
    await h.services.reminders.createSchedule(doctor, patientId, { medicine: "Amlodipine", dose: "5 mg", timesOfDay: ["08:00"], startDate: "2026-11-01", endDate: "2026-12-31" });
    const losartan = { ...hypertension.prescriptions[0]!, remindAt: ["09:00", "21:00"] };
    const active = () => h.db.medicationSchedule.findMany({ where: { patientId, cancelledAt: null }, orderBy: { createdAt: "asc" } });
    const signVersion = async (protocolId: string, prescriptions: object[]) => {
      expect((await api("PUT", `/protocols/${protocolId}`, { ...hypertension, prescriptions })).statusCode).toBe(200);
      expect((await api("POST", `/protocols/${protocolId}/sign`)).statusCode).toBe(200);
    };

    const v1 = (await api("POST", `/consultations/${consultation.id}/protocol`)).json();
    expect((await api("PUT", `/protocols/${v1.id}`, { ...hypertension, prescriptions: [{ ...losartan, remindAt: ["9:00"] }] })).statusCode).toBe(400);
    await signVersion(v1.id, [losartan]);
    await expect.poll(async () => (await active()).map((s) => s.medicine), { timeout: 20_000 }).toEqual(["Amlodipine", "Лозартан"]);
    const first = (await active())[1]!;
    const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Moscow" }).format(new Date());
    const end = new Date(Date.parse(`${today}T00:00:00Z`) + 29 * 86_400_000).toISOString().slice(0, 10);
    expect([first.dose, first.timesOfDay, first.startDate, first.endDate, first.consultationId]).toEqual(["50 мг", ["09:00", "21:00"], today, end, consultation.id]);

    // v2 repeats it unchanged (kept); v3 halves the times, raises the dose and stops amlodipine.
    const v2 = (await api("POST", `/protocols/${v1.id}/corrections`)).json();
    await signVersion(v2.id, [losartan]);
    const v3 = (await api("POST", `/protocols/${v2.id}/corrections`)).json();
    await signVersion(v3.id, [
      { ...losartan, dose: "100 мг", remindAt: ["09:00"] },
      { medicine: "amlodipine", dose: "5 mg", schedule: "-", durationDays: 1, treatmentChange: "stop" },
    ]);
    await expect.poll(async () => (await active()).map((s) => [s.medicine, s.dose, s.timesOfDay]), { timeout: 20_000 }).toEqual([["Лозартан", "100 мг", ["09:00"]]]);
    expect(await h.db.medicationSchedule.count({ where: { patientId } })).toBe(3);
    expect((await h.db.medicationSchedule.findUniqueOrThrow({ where: { id: first.id } })).cancelledAt).not.toBeNull();
  });

  it("treats a visit the doctor linked to the consultation as the same problem", async () => {
    const { patientId, consultation, api } = await setUp();
    const desk = await frontDesk();
    expect((await api("POST", "/in-person-visits/import", { visits: [{ patientId, externalId: `mis-x-${patientId}`, visitedAt: "2026-10-01T08:00:00Z", icd10Code: "M54.5", problem: "x" }] })).statusCode).toBe(403);
    const imported = await desk("/in-person-visits/import", {
      visits: [{ patientId, externalId: `mis-${patientId}`, visitedAt: "2026-10-01T08:00:00Z", icd10Code: "M54.5", problem: "Боль в пояснице" }],
    });
    expect(imported.json()).toEqual({ imported: 1, skipped: 0 });
    expect((await desk("/in-person-visits/import", { visits: [{ patientId, externalId: `mis-${patientId}`, visitedAt: "2026-10-01T08:00:00Z", icd10Code: "M54.5", problem: "x" }] })).json()).toEqual({ imported: 0, skipped: 1 });
    const [visit] = (await api("GET", `/patients/${patientId}/in-person-visits`)).json().visits;
    const draft = (await api("POST", `/consultations/${consultation.id}/protocol`)).json();
    const linked = await api("PUT", `/protocols/${draft.id}`, {
      assessment: { kind: "diagnosis", text: "Люмбалгия", codes: ["M54.4"] },
      prescriptions: [{ medicine: "Ибупрофен", dose: "400 мг", schedule: "при боли", durationDays: 5 }],
      followUpOfVisitId: visit.id,
    });
    expect(linked.statusCode).toBe(200);
    expect(linked.json().remoteCare).toMatchObject({ primary: false, followsUp: [visit.id] });
  });

  it("searches ICD-10 in Russian and English", async () => {
    const { api } = await setUp();
    expect((await api("GET", "/icd10?q=гипертенз")).json().codes.map((c: { code: string }) => c.code)).toContain("I10");
    expect((await api("GET", "/icd10?q=back%20pain")).json().codes).toEqual([{ code: "M54.5", en: "Low back pain", ru: "Боль внизу спины" }]);
  });
});

describe("patient account", () => {
  async function signedFollowUp() {
    const setup = await setUp();
    await (await frontDesk())(`/patients/${setup.patientId}/in-person-visits`, { visitedAt: "2026-09-01T10:00:00Z", icd10Code: "I10", problem: "АГ" });
    const draft = (await setup.api("POST", `/consultations/${setup.consultation.id}/protocol`)).json();
    await setup.api("PUT", `/protocols/${draft.id}`, hypertension);
    await setup.api("POST", `/protocols/${draft.id}/sign`);
    const documents = await waitForDocuments(setup.api, draft.id, 3);
    return { ...setup, documents };
  }

  const linkFrom = (chatId: number): URL | undefined => {
    const message = texts(chatId).find((text) => text.includes("/account/login?token="));
    return message ? new URL(/https:\/\/\S+/.exec(message)![0]) : undefined;
  };

  it("opens from a one-time link, lists documents, refuses downloads until identity is verified, then audits each download", async () => {
    const { user, patientId, documents, consultation } = await signedFollowUp();
    await h.say(user, "/account");
    await h.telegram.waitFor(() => !!linkFrom(user.id));
    expect(texts(user.id).find((t) => t.includes("/account/login"))).toContain("Ссылка одноразовая");
    const link = linkFrom(user.id)!;

    const login = await h.app.inject({ method: "GET", url: `${link.pathname}${link.search}` });
    expect(login.statusCode).toBe(303);
    expect(login.headers.location).toBe("/account");
    const cookie = String(login.headers["set-cookie"]).split(";")[0]!;
    expect(String(login.headers["set-cookie"])).toMatch(/HttpOnly; SameSite=Lax/);
    const reused = await h.app.inject({ method: "GET", url: `${link.pathname}${link.search}` });
    expect(reused.statusCode).toBe(401);
    expect(reused.body).toContain("уже использована или устарела");

    const page = await h.app.inject({ method: "GET", url: "/account", headers: { cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`Консультация № ${consultation.number}`);
    expect(page.body).toContain("Рецепт (PDF)");
    expect(page.body).toContain("только после подтверждения личности");
    expect(page.body).not.toContain("/account/documents/");
    const prescription = documents.find((d) => d.kind === "prescription")!;
    const refused = await h.app.inject({ method: "GET", url: `/account/documents/${prescription.id}`, headers: { cookie } });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().details).toEqual({ reason: "identity_not_verified" });

    // The intake feature raises the level (Gosuslugi or in person); here the row is set as it would.
    await h.db.patient.update({ where: { id: patientId }, data: { identityLevel: "verified" } });
    const verifiedPage = await h.app.inject({ method: "GET", url: "/account", headers: { cookie } });
    expect(verifiedPage.body).toContain(`/account/documents/${prescription.id}`);
    const download = await h.app.inject({ method: "GET", url: `/account/documents/${prescription.id}`, headers: { cookie } });
    expect(download.statusCode).toBe(200);
    expect(download.headers["content-type"]).toBe("application/pdf");
    const file = join(out, "downloaded-prescription.pdf");
    writeFileSync(file, download.rawPayload);
    expect(pdfsig(file, pki.nssDir)).toContain("Signature is Valid");

    const audit = await h.db.auditEvent.findMany({ where: { entityId: prescription.id }, orderBy: { at: "asc" } });
    expect(audit.map((e) => [e.actorType, e.actorId, e.action])).toEqual([
      ["system", null, "document.create"],
      ["patient", patientId, "document.download_refused"],
      ["patient", patientId, "document.download"],
    ]);
    // Someone else's session cannot fetch this patient's document.
    const other = await signedFollowUp();
    const otherLink = await h.services.accounts.createLoginLink(other.patientId);
    const otherLogin = await h.app.inject({ method: "GET", url: new URL(otherLink.url).pathname + new URL(otherLink.url).search });
    const otherCookie = String(otherLogin.headers["set-cookie"]).split(";")[0]!;
    await h.db.patient.update({ where: { id: other.patientId }, data: { identityLevel: "verified" } });
    expect((await h.app.inject({ method: "GET", url: `/account/documents/${prescription.id}`, headers: { cookie: otherCookie } })).statusCode).toBe(404);
  });

  it("refuses an expired link, a forged one and a request without a session", async () => {
    const { patientId } = await setUp();
    const old = await h.services.accounts.createLoginLink(patientId, new Date(Date.now() - 11 * 60_000));
    const expired = await h.app.inject({ method: "GET", url: new URL(old.url).pathname + new URL(old.url).search });
    expect(expired.statusCode).toBe(401);
    expect((await h.app.inject({ method: "GET", url: "/account/login?token=forged-token-forged-token-forged" })).statusCode).toBe(401);
    expect((await h.app.inject({ method: "GET", url: "/account" })).statusCode).toBe(401);
    expect((await h.app.inject({ method: "GET", url: "/account/overview.json", headers: { cookie: "tc_account=nonsense" } })).statusCode).toBe(401);
  });
});

