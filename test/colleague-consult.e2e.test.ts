import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { totpCode } from "../core/staff/totp";
import { startHarness, type Harness } from "./helpers/harness";
import { giveCertificate } from "./helpers/test-pki";

/**
 * Ask a colleague (issue 18 point 1) through the api and the Telegram stand-in: the treating doctor invites a
 * cardiologist by name; the cardiologist reads the case (intake, messages, files, readings) only while the
 * invitation is open, every read audited, and answers; the patient is told a colleague was consulted (the clinic's
 * policy) but never sees question or answer; the answer is cited in the protocol with its reference.
 */

let h: Harness;
const password = "a long enough password";
const QUESTION = "Нужна ли ЭКГ при таком давлении?";
const ANSWER = "ЭКГ нужна в течение недели; бета-блокатор пока не назначать.";

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

async function doctor(name: string, specialties: string[]) {
  const email = `colleague-${Math.random().toString(36).slice(2)}@clinic.test`;
  const created = await h.services.staff.create({ email, name, role: "doctor", password, specialties, languages: ["ru", "en"] });
  const login = await h.app.inject({ method: "POST", url: "/api/v1/auth/login", payload: { email, password, code: totpCode(created.totpSecret) } });
  expect(login.statusCode).toBe(200);
  const headers = { cookie: String(login.headers["set-cookie"]).split(";")[0]!, "x-requested-with": "telecons-console" };
  const call = (method: "GET" | "POST" | "PUT", path: string, payload?: object) =>
    h.app.inject({ method, url: `/api/v1${path}`, headers, ...(payload ? { payload } : {}) });
  return { id: created.staff.doctor!.id, call };
}

/** A patient's question through the bot, taken by the treating doctor, with a photo in the thread and a home reading. */
async function caseOfPatient(treating: Awaited<ReturnType<typeof doctor>>) {
  const patient = h.newPatient("ru");
  await h.openConsultation(patient, "Давление 170/100 третий день, голова тяжёлая");
  await h.telegram.waitFor(() => h.telegram.sent(patient.id).some((c) => String(c.params.text).includes("создано")));
  const consultation = await h.db.consultation.findFirstOrThrow({ where: { account: { externalUserId: String(patient.id) } } });
  expect((await treating.call("POST", `/consultations/${consultation.id}/take`)).statusCode).toBe(204);
  expect((await treating.call("POST", `/consultations/${consultation.id}/messages`, { text: "Измеряйте давление утром и вечером" })).statusCode).toBe(201);
  const fileId = await h.services.files.save(Buffer.from("%PDF-1.4 tonometer log"), { mimeType: "application/pdf", fileName: "давление.pdf" });
  await h.db.message.create({
    data: { consultationId: consultation.id, authorRole: "patient", text: "Дневник давления", attachments: [{ fileId, kind: "document", mimeType: "application/pdf", fileName: "давление.pdf", size: 22 }] },
  });
  await h.db.reading.create({ data: { patientId: consultation.patientId, deviceId: "tonometer", kind: "blood_pressure", value: 172, value2: 101, source: "json", measuredAt: new Date(Date.now() - 3600_000) } });
  return { patient, consultation, fileId };
}

const auditRows = (actorId: string, action: string, entityId: string) => h.db.auditEvent.count({ where: { actorId, action, entityId } });

describe("ask a colleague", () => {
  it("invite → the colleague reads the case while open (audited), refused after → answers → the patient never sees it → cited in the protocol", async () => {
    const treating = await doctor("Ирина Смирнова", ["gp"]);
    const cardiologist = await doctor("Олег Кардиологов", ["cardiology"]);
    const bystander = await doctor("Павел Посторонний", ["cardiology"]);
    const { patient, consultation, fileId } = await caseOfPatient(treating);

    // Before the invitation the cardiologist has no care relationship: the thread is closed to them.
    expect((await cardiologist.call("GET", `/consultations/${consultation.id}`)).statusCode).toBe(403);
    // Only the consultation's own doctor asks; the colleague must be another doctor.
    expect((await bystander.call("POST", `/consultations/${consultation.id}/colleague-invitations`, { colleagueId: cardiologist.id, question: QUESTION })).statusCode).toBe(403);
    const bad = await treating.call("POST", `/consultations/${consultation.id}/colleague-invitations`, { colleagueId: cardiologist.id, specialty: "cardiology", question: QUESTION });
    expect(bad.statusCode).toBe(400);
    expect((await treating.call("GET", "/colleagues")).json().colleagues.map((c: { id: string }) => c.id)).toContain(cardiologist.id);

    const invited = await treating.call("POST", `/consultations/${consultation.id}/colleague-invitations`, { colleagueId: cardiologist.id, question: QUESTION });
    expect(invited.statusCode).toBe(201);
    const invitation = invited.json();
    expect(invitation).toMatchObject({ status: "open", colleagueName: "Олег Кардиологов", invitedByName: "Ирина Смирнова", consultationNumber: consultation.number });

    // The clinic's policy (COLLEAGUE_CONSULT_TELL_PATIENT, on by default): the patient is told, in Russian, that a colleague was asked.
    await h.telegram.waitFor(() => h.telegram.sent(patient.id).some((c) => String(c.params.text).includes("попросил совета у коллеги")));
    const notice = h.telegram.sent(patient.id).find((c) => String(c.params.text).includes("попросил совета у коллеги"))!;
    expect(String(notice.params.text)).toContain(`№ ${consultation.number}`);
    expect(String(notice.params.text)).not.toContain(QUESTION);

    // The colleague's inbox names it; the case is theirs to read: intake, messages, files, readings.
    expect((await cardiologist.call("GET", "/colleague-invitations")).json().invitations.map((i: { id: string }) => i.id)).toContain(invitation.id);
    const view = await cardiologist.call("GET", `/colleague-invitations/${invitation.id}/case`);
    expect(view.statusCode).toBe(200);
    const seen = view.json();
    expect(seen.invitation.question).toBe(QUESTION);
    expect(seen.intake.complaint).toContain("Давление 170/100");
    expect(seen.messages.map((m: { text: string }) => m.text)).toEqual(expect.arrayContaining(["Измеряйте давление утром и вечером", "Дневник давления"]));
    expect(seen.readings).toEqual([expect.objectContaining({ kind: "blood_pressure", points: [expect.objectContaining({ value: 172, value2: 101 })] })]);
    const file = await cardiologist.call("GET", `/colleague-invitations/${invitation.id}/files/${fileId}`);
    expect(file.statusCode).toBe(200);
    expect(file.headers["cache-control"]).toBe("no-store");
    expect(file.body).toContain("tonometer log");
    expect(await auditRows(cardiologist.id, "colleague.case_read", consultation.id)).toBe(1);
    expect(await auditRows(cardiologist.id, "readings.read", consultation.patientId)).toBe(1);
    expect(await auditRows(cardiologist.id, "file.download", fileId)).toBe(1);

    // Reading only, and only this case: no reply to the patient, no other patient route, no one else's invitation.
    expect((await cardiologist.call("POST", `/consultations/${consultation.id}/messages`, { text: "Здравствуйте" })).statusCode).toBe(403);
    expect((await cardiologist.call("GET", `/patients/${consultation.patientId}/readings`)).statusCode).toBe(403);
    expect((await bystander.call("GET", `/colleague-invitations/${invitation.id}/case`)).statusCode).toBe(403);

    // The answer, in the doctors-only part of the thread, which the treating doctor reads.
    const answered = await cardiologist.call("POST", `/colleague-invitations/${invitation.id}/answer`, { answer: ANSWER });
    expect(answered.statusCode).toBe(200);
    expect(answered.json()).toMatchObject({ status: "answered", answer: ANSWER });
    const part = (await treating.call("GET", `/consultations/${consultation.id}/colleague-invitations`)).json().invitations;
    expect(part).toEqual([expect.objectContaining({ id: invitation.id, question: QUESTION, answer: ANSWER, colleagueName: "Олег Кардиологов" })]);

    // The answer closed the invitation, and with it the colleague's access: refused, and the refusal audited.
    const after = await cardiologist.call("GET", `/colleague-invitations/${invitation.id}/case`);
    expect(after.statusCode).toBe(403);
    expect(after.json().message).toContain("closed");
    expect((await cardiologist.call("GET", `/colleague-invitations/${invitation.id}/files/${fileId}`)).statusCode).toBe(403);
    expect((await cardiologist.call("POST", `/colleague-invitations/${invitation.id}/answer`, { answer: "ещё" })).statusCode).toBe(403);
    expect(await auditRows(cardiologist.id, "colleague.case_refused", invitation.id)).toBe(2);
    expect(await auditRows(cardiologist.id, "colleague.case_read", consultation.id)).toBe(1);
    expect(await auditRows(treating.id, "colleague.invite", invitation.id)).toBe(1);
    expect(await auditRows(cardiologist.id, "colleague.answer", invitation.id)).toBe(1);

    // The patient never sees the doctors-only note: not in any message sent, not in the thread's messages, not in their export.
    const sentToPatient = h.telegram.sent(patient.id).map((c) => String(c.params.text));
    expect(sentToPatient.some((t) => t.includes(ANSWER) || t.includes(QUESTION))).toBe(false);
    expect(await h.db.message.count({ where: { consultationId: consultation.id, OR: [{ text: { contains: "ЭКГ нужна" } }, { text: { contains: "Нужна ли ЭКГ" } }] } })).toBe(0);
    const outbox = JSON.stringify(await h.db.outboxMessage.findMany({ where: { accountId: consultation.accountId }, select: { payload: true } }));
    expect(outbox).toContain("попросил совета у коллеги");
    expect(outbox).not.toContain("ЭКГ нужна");
    expect(outbox).not.toContain(QUESTION);
    await h.services.identity.record(consultation.patientId, { level: "verified", method: "staff", actor: { type: "system" } });
    const link = await h.services.accounts.createLoginLink(consultation.patientId);
    const session = await h.services.accounts.redeem(new URL(link.url).searchParams.get("token")!);
    const myData = () => h.app.inject({ method: "GET", url: "/account/my-data.json", headers: { cookie: `tc_account=${session.sessionToken}` } });
    const exported = await myData();
    expect(exported.statusCode).toBe(200);
    expect(exported.body).toContain("Давление 170/100");
    expect(exported.body).not.toContain("ЭКГ нужна");
    expect(exported.body).not.toContain(QUESTION);

    // The answer is cited in the protocol, as stored: the form cannot rewrite the colleague's words.
    const draft = (await treating.call("POST", `/consultations/${consultation.id}/protocol`)).json();
    const cited = await treating.call("POST", `/protocols/${draft.id}/colleague-answers`, { invitationId: invitation.id });
    expect(cited.statusCode).toBe(200);
    expect(cited.json().colleagueAnswers).toEqual([expect.objectContaining({ invitationId: invitation.id, colleagueName: "Олег Кардиологов", answer: ANSWER })]);
    const full = (await treating.call("GET", `/protocols/${draft.id}`)).json();
    const rewritten = full.content.colleagueAnswers.map((c: object) => ({ ...c, answer: "переписано" }));
    const saved = await treating.call("PUT", `/protocols/${draft.id}`, { ...full.content, recommendations: "ЭКГ, дневник давления", colleagueAnswers: rewritten });
    expect(saved.statusCode).toBe(200);
    expect(saved.json().content.colleagueAnswers[0].answer).toBe(ANSWER);
    // Only an answered invitation of this consultation, and only by the protocol's author.
    expect((await cardiologist.call("POST", `/protocols/${draft.id}/colleague-answers`, { invitationId: invitation.id })).statusCode).toBe(403);
    await giveCertificate(h.services.certificates, treating.id);
    const signed = await treating.call("POST", `/protocols/${draft.id}/sign`);
    expect(signed.statusCode).toBe(200);
    expect(signed.json().content.colleagueAnswers).toEqual([expect.objectContaining({ invitationId: invitation.id, answer: ANSWER })]);

    // Cited, the answer is part of the signed protocol, which the patient receives like any protocol: that is the
    // doctor's choice. The question and the thread's doctors-only part still reach them nowhere.
    const afterSigning = (await myData()).body;
    expect(afterSigning).toContain(ANSWER);
    expect(afterSigning).not.toContain(QUESTION);
    // The signed report prints it under "Colleague's consultation".
    await expect
      .poll(async () => (await treating.call("GET", `/protocols/${draft.id}/documents`)).json().documents.length, { timeout: 20_000, interval: 200 })
      .toBe(1);
    const [report] = (await treating.call("GET", `/protocols/${draft.id}/documents`)).json().documents as Array<{ id: string }>;
    const pdf = await h.app.inject({ method: "GET", url: `/account/documents/${report!.id}`, headers: { cookie: `tc_account=${session.sessionToken}` } });
    expect(pdf.statusCode).toBe(200);
    const pdfFile = join(mkdtempSync(join(tmpdir(), "colleague-")), "report.pdf");
    writeFileSync(pdfFile, pdf.rawPayload);
    const text = execFileSync("pdftotext", [pdfFile, "-"], { encoding: "utf8" }).replace(/\s+/g, " ");
    expect(text).toContain("Консультация коллеги");
    expect(text).toContain("Олег Кардиологов");
    expect(text).toContain("ЭКГ нужна в течение недели");
    expect(text).not.toContain(QUESTION);
  });

  it("sends a question to a specialty: the first cardiologist to accept reads the case until the treating doctor withdraws it", async () => {
    const treating = await doctor("Мария Терапевтова", ["gp"]);
    const first = await doctor("Анна Первая", ["cardiology"]);
    const second = await doctor("Борис Второй", ["cardiology"]);
    const neurologist = await doctor("Вера Неврологова", ["neurology"]);
    const { patient, consultation } = await caseOfPatient(treating);

    const invitation = (await treating.call("POST", `/consultations/${consultation.id}/colleague-invitations`, { specialty: "cardiology", question: QUESTION })).json();
    expect(invitation).toMatchObject({ specialty: "cardiology", colleagueId: null });
    expect((await treating.call("POST", `/consultations/${consultation.id}/colleague-invitations`, { specialty: "astrology", question: QUESTION })).statusCode).toBe(400);
    // Open to every cardiologist's inbox, not to other specialties; nobody reads the case before accepting.
    for (const d of [first, second]) expect((await d.call("GET", "/colleague-invitations")).json().invitations.map((i: { id: string }) => i.id)).toContain(invitation.id);
    expect((await neurologist.call("GET", "/colleague-invitations")).json().invitations.map((i: { id: string }) => i.id)).not.toContain(invitation.id);
    expect((await first.call("GET", `/colleague-invitations/${invitation.id}/case`)).statusCode).toBe(403);
    expect((await neurologist.call("POST", `/colleague-invitations/${invitation.id}/accept`)).statusCode).toBe(403);

    const accepts = await Promise.all([first, second].map((d) => d.call("POST", `/colleague-invitations/${invitation.id}/accept`)));
    expect(accepts.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const winner = accepts[0]!.statusCode === 200 ? first : second;
    const loser = winner === first ? second : first;
    expect((await winner.call("GET", `/colleague-invitations/${invitation.id}/case`)).statusCode).toBe(200);
    expect((await loser.call("GET", `/colleague-invitations/${invitation.id}/case`)).statusCode).toBe(403);

    // Withdrawn by the treating doctor (only them): the colleague's access ends.
    expect((await winner.call("POST", `/colleague-invitations/${invitation.id}/withdraw`)).statusCode).toBe(403);
    expect((await treating.call("POST", `/colleague-invitations/${invitation.id}/withdraw`)).json()).toMatchObject({ status: "withdrawn" });
    expect((await winner.call("GET", `/colleague-invitations/${invitation.id}/case`)).statusCode).toBe(403);
    // A withdrawn question has no answer to cite.
    const draft = (await treating.call("POST", `/consultations/${consultation.id}/protocol`)).json();
    expect((await treating.call("POST", `/protocols/${draft.id}/colleague-answers`, { invitationId: invitation.id })).statusCode).toBe(409);

    // After the patient withdrew consent to processing, their case is shown to no one new.
    await h.say(patient, "/consents");
    await h.press(patient, "consents:withdraw:personal_data");
    await h.press(patient, "consents:confirm:personal_data");
    const refused = await treating.call("POST", `/consultations/${consultation.id}/colleague-invitations`, { colleagueId: first.id, question: QUESTION });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: "consent_withdrawn" });
  });
});

describe("ask a colleague, at the end of the record's retention", () => {
  it("destroys the doctors-only part of the threads with the rest of the record", async () => {
    const treating = await doctor("Срок Хранения", ["gp"]);
    const colleague = await doctor("Срок Кардиолог", ["cardiology"]);
    const { consultation } = await caseOfPatient(treating);
    const invitation = (await treating.call("POST", `/consultations/${consultation.id}/colleague-invitations`, { colleagueId: colleague.id, question: QUESTION })).json();
    await colleague.call("POST", `/colleague-invitations/${invitation.id}/answer`, { answer: ANSWER });
    // An erased record whose retention period has ended (the erasure itself: test/data-rights.e2e.test.ts).
    const ended = new Date(Date.now() - 1000);
    await h.db.patient.update({ where: { id: consultation.patientId }, data: { erasedAt: ended, retainUntil: ended } });
    await h.services.retentionSweep.run(new Date());
    expect(await h.db.patient.count({ where: { id: consultation.patientId } })).toBe(0);
    expect(await h.db.colleagueInvitation.count({ where: { patientId: consultation.patientId } })).toBe(0);
  });
});

describe("ask a colleague, where the clinic's policy does not tell the patient", () => {
  it("sends the patient nothing when COLLEAGUE_CONSULT_TELL_PATIENT=false", async () => {
    const quiet = await startHarness({ COLLEAGUE_CONSULT_TELL_PATIENT: "false" });
    const outer = h;
    h = quiet;
    try {
      const treating = await doctor("Тихий Терапевт", ["gp"]);
      const colleague = await doctor("Тихий Кардиолог", ["cardiology"]);
      const { patient, consultation } = await caseOfPatient(treating);
      const before = quiet.telegram.sent(patient.id).length;
      const invited = await treating.call("POST", `/consultations/${consultation.id}/colleague-invitations`, { colleagueId: colleague.id, question: QUESTION });
      expect(invited.statusCode).toBe(201);
      expect((await colleague.call("POST", `/colleague-invitations/${invited.json().id}/answer`, { answer: ANSWER })).statusCode).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(quiet.telegram.sent(patient.id).length).toBe(before);
      expect(JSON.stringify(await quiet.db.outboxMessage.findMany({ where: { accountId: consultation.accountId }, select: { payload: true } }))).not.toContain("коллег");
    } finally {
      h = outer;
      await quiet.close();
    }
  });
});
