import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { escalateOverdue } from "../core/consultations/escalation";
import { escalationRulesSchema } from "../core/specialties/escalation-rules";
import { ConsultationRepository } from "../core/consultations/consultation-repository";
import type { ConsoleEvent } from "../core/realtime/console-events";
import { totpCode } from "../core/staff/totp";
import { processEscalation } from "../workers/escalation.worker";
import { startHarness, type Harness } from "./helpers/harness";
import { giveCertificate } from "./helpers/test-pki";

let h: Harness;
const password = "a long enough password";

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

async function staffWithCookie(role: "doctor" | "operator" | "admin", specialties = ["gp"]) {
  const email = `${role}-${Math.random().toString(36).slice(2)}@clinic.test`;
  const created = await h.services.staff.create({ email, name: `Test ${role}`, role, password, specialties, languages: ["ru", "en"] });
  const login = await h.app.inject({ method: "POST", url: "/api/v1/auth/login", payload: { email, password, code: totpCode(created.totpSecret) } });
  expect(login.statusCode).toBe(200);
  const setCookie = String(login.headers["set-cookie"]);
  expect(setCookie).toMatch(/HttpOnly/);
  expect(setCookie).toMatch(/SameSite=Strict/);
  const cookie = setCookie.split(";")[0]!;
  return { ...created, headers: { cookie, "x-requested-with": "telecons-console" } };
}

async function openConsultation(text = "Кашель") {
  const patient = h.newPatient("ru");
  await h.openConsultation(patient, text);
  await h.telegram.waitFor(() => h.telegram.sent(patient.id).some((c) => String(c.params.text).includes("создано")));
  return { patient, consultation: await h.db.consultation.findFirstOrThrow({ where: { account: { externalUserId: String(patient.id) } } }) };
}

describe("console api", () => {
  it("lets exactly one of two doctors take a consultation; the other sees it taken", async () => {
    const [a, b] = [await staffWithCookie("doctor"), await staffWithCookie("doctor")];
    const { consultation } = await openConsultation();
    const url = `/api/v1/consultations/${consultation.id}/take`;
    const results = await Promise.all([a, b].map((d) => h.app.inject({ method: "POST", url, headers: d.headers })));
    expect(results.map((r) => r.statusCode).sort()).toEqual([204, 409]);
    const winner = results[0]!.statusCode === 204 ? a : b;
    const loser = winner === a ? b : a;
    const after = await h.db.consultation.findUniqueOrThrow({ where: { id: consultation.id } });
    expect(after).toMatchObject({ doctorId: winner.staff.doctor!.id, status: "in_progress" });
    // The loser no longer sees it in the queue, nor may answer it.
    const list = await h.app.inject({ method: "GET", url: "/api/v1/consultations?view=in_progress", headers: loser.headers });
    expect(list.json().consultations.map((c: { id: string }) => c.id)).not.toContain(consultation.id);
    const answer = await h.app.inject({ method: "POST", url: `/api/v1/consultations/${consultation.id}/messages`, headers: loser.headers, payload: { text: "Я тоже" } });
    expect(answer.statusCode).toBe(403);
  });

  it("lets an operator assign a consultation to a doctor, who then has it; a doctor cannot assign", async () => {
    const operator = await staffWithCookie("operator");
    const doctor = await staffWithCookie("doctor", ["cardiology"]);
    const { consultation } = await openConsultation();
    const url = `/api/v1/consultations/${consultation.id}/assign`;
    const payload = { doctorId: doctor.staff.doctor!.id };
    expect((await h.app.inject({ method: "POST", url, headers: doctor.headers, payload })).statusCode).toBe(403);
    expect((await h.app.inject({ method: "POST", url, headers: operator.headers, payload })).statusCode).toBe(204);
    const thread = await h.app.inject({ method: "GET", url: `/api/v1/consultations/${consultation.id}`, headers: doctor.headers });
    expect(thread.statusCode).toBe(200);
    expect(thread.json()).toMatchObject({ status: "in_progress", doctorId: doctor.staff.doctor!.id });
  });

  it("asks a follow-up question and closes with an outcome, telling the patient in their language", async () => {
    const doctor = await staffWithCookie("doctor");
    // Care was given: the protocol is signed below, which needs the doctor's certificate.
    await giveCertificate(h.services.certificates, doctor.staff.doctor!.id);
    const { patient, consultation } = await openConsultation();
    const ask = await h.app.inject({
      method: "POST",
      url: `/api/v1/consultations/${consultation.id}/messages`,
      headers: doctor.headers,
      payload: { text: "Есть ли температура?", followUp: true },
    });
    expect(ask.statusCode).toBe(201);
    await h.telegram.waitFor(() => h.telegram.sent(patient.id).some((c) => String(c.params.text).includes("Есть ли температура?")));
    expect(String(h.telegram.sent(patient.id).at(-1)!.params.text)).toBe(
      `Врач Test doctor уточняет по обращению № ${consultation.number}:\nЕсть ли температура?\n\nОтветьте, пожалуйста, здесь, в этом чате.`,
    );
    expect((await h.db.consultation.findUniqueOrThrow({ where: { id: consultation.id } })).status).toBe("waiting_for_patient");
    // The patient answers from the messenger: the thread continues.
    await h.say(patient, "37,5");
    await expect.poll(async () => (await h.db.consultation.findUniqueOrThrow({ where: { id: consultation.id } })).status).toBe("in_progress");
    // Care was given, so the consultation closes only once its protocol is signed (issue 15 point 4).
    const closeUrl = `/api/v1/consultations/${consultation.id}/close`;
    const early = await h.app.inject({ method: "POST", url: closeUrl, headers: doctor.headers, payload: { outcome: "in_person_visit" } });
    expect(early.statusCode).toBe(409);
    expect(early.json().message).toContain("sign the protocol");
    const draft = (await h.app.inject({ method: "POST", url: `/api/v1/consultations/${consultation.id}/protocol`, headers: doctor.headers })).json();
    const saved = await h.app.inject({
      method: "PUT",
      url: `/api/v1/protocols/${draft.id}`,
      headers: doctor.headers,
      payload: { assessment: { kind: "preliminary", text: "ОРВИ?", codes: ["J06.9"] }, referrals: [{ kind: "in_person_visit", target: "Терапевт, очный приём" }] },
    });
    expect(saved.statusCode).toBe(200);
    expect((await h.app.inject({ method: "POST", url: `/api/v1/protocols/${draft.id}/sign`, headers: doctor.headers })).statusCode).toBe(200);
    const close = await h.app.inject({ method: "POST", url: closeUrl, headers: doctor.headers, payload: { outcome: "in_person_visit" } });
    expect(close.statusCode).toBe(204);
    expect(await h.db.auditEvent.findFirstOrThrow({ where: { action: "consultation.close", entityId: consultation.id } })).toMatchObject({
      meta: { outcome: "in_person_visit", medicalCare: true, protocolId: draft.id },
    });
    await h.telegram.waitFor(() => h.telegram.sent(patient.id).some((c) => String(c.params.text).startsWith(`Обращение № ${consultation.number} закрыто`)));
    expect(await h.db.consultation.findUniqueOrThrow({ where: { id: consultation.id } })).toMatchObject({ status: "closed", outcome: "in_person_visit" });
  });

  it("serves attachments only to the doctor of the consultation, audited, and sends uploaded files only of one's own", async () => {
    const doctor = await staffWithCookie("doctor");
    const other = await staffWithCookie("doctor", ["cardiology"]);
    const { consultation } = await openConsultation();
    const fileId = await h.services.files.save(Buffer.from("%PDF-1.4 test"), { mimeType: "application/pdf", fileName: "анализ.pdf" });
    await h.db.message.create({
      data: { consultationId: consultation.id, authorRole: "patient", text: "анализ", attachments: [{ fileId, kind: "document", mimeType: "application/pdf", fileName: "анализ.pdf", size: 13 }] },
    });
    const url = `/api/v1/consultations/${consultation.id}/files/${fileId}`;
    const ok = await h.app.inject({ method: "GET", url, headers: doctor.headers });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers["cache-control"]).toBe("no-store");
    expect(ok.body).toBe("%PDF-1.4 test");
    expect((await h.app.inject({ method: "GET", url, headers: other.headers })).statusCode).toBe(403);
    expect((await h.app.inject({ method: "GET", url })).statusCode).toBe(401);
    expect(await h.db.auditEvent.count({ where: { action: "file.download", entityId: fileId, actorId: doctor.staff.doctor!.id } })).toBe(1);

    // A doctor cannot forward a file they did not upload (e.g. another patient's photo).
    const steal = await h.app.inject({ method: "POST", url: `/api/v1/consultations/${consultation.id}/messages`, headers: doctor.headers, payload: { text: "см.", fileIds: [fileId] } });
    expect(steal.statusCode).toBe(404);
    const uploadAs = (kind: "medical" | "leaflet" | undefined, fileName: string) =>
      h.app.inject({ method: "POST", url: "/api/v1/files", headers: doctor.headers, payload: { fileName, mimeType: "application/pdf", base64: Buffer.from("%PDF memo").toString("base64"), kind } });
    const upload = await uploadAs("leaflet", "памятка.pdf");
    expect(upload.statusCode).toBe(201);
    const sendFile = (text: string, fileId: string) =>
      h.app.inject({ method: "POST", url: `/api/v1/consultations/${consultation.id}/messages`, headers: doctor.headers, payload: { text, fileIds: [fileId] } });
    const send = await sendFile("Памятка во вложении", upload.json().id);
    expect(send.statusCode).toBe(201);
    expect(send.json().attachments).toMatchObject([{ fileId: upload.json().id, kind: "document", fileName: "памятка.pdf" }]);

    // A medical document (the default kind) does not go by chat to a patient whose identity is not verified (issue 15 point 4)…
    const report = (await uploadAs(undefined, "заключение.pdf")).json().id;
    const refused = await sendFile("Заключение во вложении", report);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().message).toContain("only through the account");
    // …and does once the doctor has verified them in person.
    expect((await h.app.inject({ method: "POST", url: `/api/v1/patients/${consultation.patientId}/identity/verify`, headers: doctor.headers })).statusCode).toBe(200);
    expect((await sendFile("Заключение во вложении", report)).statusCode).toBe(201);
  });

  it("refuses a cookie-authenticated change without the console's header, and ends the session on logout", async () => {
    const doctor = await staffWithCookie("doctor");
    const { consultation } = await openConsultation();
    const bare = await h.app.inject({ method: "POST", url: `/api/v1/consultations/${consultation.id}/take`, headers: { cookie: doctor.headers.cookie } });
    expect(bare.statusCode).toBe(403);
    expect((await h.app.inject({ method: "GET", url: "/api/v1/me", headers: doctor.headers })).json().staff.role).toBe("doctor");
    expect((await h.app.inject({ method: "POST", url: "/api/v1/auth/logout", headers: doctor.headers })).statusCode).toBe(204);
    expect((await h.app.inject({ method: "GET", url: "/api/v1/me", headers: doctor.headers })).statusCode).toBe(401);
  });

  it("lets only admins manage staff and read the audit log", async () => {
    const admin = await staffWithCookie("admin");
    const operator = await staffWithCookie("operator");
    expect((await h.app.inject({ method: "GET", url: "/api/v1/staff", headers: operator.headers })).statusCode).toBe(403);
    expect((await h.app.inject({ method: "GET", url: "/api/v1/audit", headers: operator.headers })).statusCode).toBe(403);
    const created = await h.app.inject({
      method: "POST",
      url: "/api/v1/staff",
      headers: admin.headers,
      payload: { email: "New.Doctor@Clinic.test", name: "Новый Врач", role: "doctor", password, specialties: ["gp"], languages: ["ru"] },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().otpauthUrl).toMatch(/^otpauth:\/\/totp\//);
    expect(created.json().staff).toMatchObject({ email: "new.doctor@clinic.test", role: "doctor", specialties: ["gp"] });
    const audit = await h.app.inject({ method: "GET", url: `/api/v1/audit?action=staff.create&actorId=${admin.staff.id}`, headers: admin.headers });
    expect(audit.json().events).toHaveLength(1);
    const future = await h.app.inject({ method: "GET", url: `/api/v1/audit?from=${new Date(Date.now() + 3_600_000).toISOString()}`, headers: admin.headers });
    expect(future.json().events).toEqual([]);
  });

  it("streams new consultations to a doctor's console through Redis pub/sub, and not to other specialties", async () => {
    const gp = await h.services.staff.create({ email: `sse-${Date.now()}@c.test`, name: "SSE", role: "doctor", password, specialties: ["gp"], languages: ["ru"] });
    const heard: ConsoleEvent[] = [];
    // A second subscriber, as a second api process would have.
    const { RedisConsoleEvents } = await import("../core/realtime/console-events");
    const other = new RedisConsoleEvents(h.services.redis, h.services.config.REDIS_PREFIX);
    const { mayHear } = await import("../core/http/routes/console-events");
    await other.subscribe((e) => {
      if (mayHear(gp.staff, e)) heard.push(e);
    });
    const { consultation } = await openConsultation("Насморк");
    await expect.poll(() => heard.some((e) => e.type === "consultation.opened" && e.consultationId === consultation.id)).toBe(true);
    expect(mayHear({ ...gp.staff, doctor: { ...gp.staff.doctor!, specialties: ["cardiology"] } }, heard[0]!)).toBe(false);
    await other.close();
  });

  it("escalates a consultation that waited past its specialty's limit, once", async () => {
    const { consultation } = await openConsultation();
    const rules = escalationRulesSchema.parse("gp:30,*:120");
    const now = new Date(consultation.createdAt.getTime() + 29 * 60_000);
    expect(await escalateOverdue(new ConsultationRepository(h.db), rules, now)).not.toContain(consultation.id);
    const later = new Date(consultation.createdAt.getTime() + 31 * 60_000);
    const events: string[] = [];
    const unsubscribe = await h.services.events.subscribe((e) => void ("consultationId" in e && events.push(`${e.type} ${e.consultationId}`)));
    const escalated = await processEscalation({ consultations: new ConsultationRepository(h.db), desk: h.services.desk, rules, specialties: h.services.specialties, logger: h.services.logger }, later);
    expect(escalated).toBeGreaterThanOrEqual(1);
    await expect.poll(() => events).toContain(`consultation.escalated ${consultation.id}`);
    unsubscribe();
    expect((await h.db.consultation.findUniqueOrThrow({ where: { id: consultation.id } })).escalatedAt).toEqual(later);
    expect(await escalateOverdue(new ConsultationRepository(h.db), rules, new Date(later.getTime() + 60_000))).not.toContain(consultation.id);
  });
});
