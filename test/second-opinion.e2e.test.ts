import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { messageAttachmentSchema } from "../core/channels/attachment";
import { totpCode } from "../core/staff/totp";
import { maxDriver, onboard, telegramDriver, type MessengerDriver } from "./helpers/channel-drivers";
import { samplePng } from "./helpers/channel-fixtures";
import { startHarness, type Harness } from "./helpers/harness";
import { realPdf } from "./helpers/image-fixtures";
import { walkIntake } from "./helpers/intake-steps";
import { dicomFile } from "./helpers/second-opinion-fixtures";
import { pdfsig, TestPki } from "./helpers/test-pki";

let h: Harness;
let pki: TestPki;
const out = join(import.meta.dirname, "..", "test-output", "second-opinion");

beforeAll(async () => {
  pki = new TestPki();
  mkdirSync(out, { recursive: true });
  h = await startHarness({ DOCTOR_CERTS_DIR: pki.certsDir, DOCTOR_CERTS_PASSWORD: pki.password, PUBLIC_URL: "https://telecons.test" });
});
afterAll(async () => {
  await h?.close();
});

/** The messengers whose second-opinion dialogue these tests drive (files in, translation buttons, documents out). */
const messengers: Array<[string, (language: string) => MessengerDriver]> = [
  ["Telegram", (language) => telegramDriver(h, language)],
  ["MAX", (language) => maxDriver(h, language)],
];

const texts = (user: MessengerDriver) => user.texts();
const waitForText = (user: MessengerDriver, fragment: string) =>
  expect.poll(() => texts(user).some((t) => t.includes(fragment)), { timeout: 10_000, interval: 20 }).toBe(true);
const lastWith = (user: MessengerDriver, fragment: string) => user.messages().findLast((m) => m.text.includes(fragment));
const buttonsOf = (message: { buttons: Array<{ data?: string }> } | undefined) => message?.buttons ?? [];
const send = (user: MessengerDriver, bytes: Buffer, as: "photo" | "document", fileName = "scan") => user.sendFile(bytes, as, fileName);
const consultationOf = (user: MessengerDriver) =>
  h.db.consultation.findFirstOrThrow({ where: { account: { channel: user.channel, externalUserId: user.externalUserId } } });

/** A staff member signed in to the console (session cookie), as the console's own requests are made. */
async function staffSession(role: "doctor" | "interpreter", name: string) {
  const email = `${role}-${Math.random().toString(36).slice(2)}@clinic.test`;
  const password = "a long enough password";
  const created = await h.services.staff.create({ email, name, role, password, specialties: role === "doctor" ? ["gp"] : [], languages: ["ru", "en"] });
  const login = await h.app.inject({ method: "POST", url: "/api/v1/auth/login", payload: { email, password, code: totpCode(created.totpSecret) } });
  expect(login.statusCode).toBe(200);
  const headers = { cookie: String(login.headers["set-cookie"]).split(";")[0]!, "x-requested-with": "telecons-console" };
  const api = (method: "GET" | "POST" | "PUT", url: string, payload?: object) => h.app.inject({ method, url: `/api/v1${url}`, headers, payload });
  return { staff: created.staff, api };
}

const patientFiles = async (consultationId: string) =>
  (await h.db.message.findMany({ where: { consultationId, authorRole: "patient" }, orderBy: { createdAt: "asc" } })).flatMap((m) =>
    messageAttachmentSchema.array().parse(m.attachments),
  );

describe.each(messengers)("second opinion through the bot on %s and the api", (_messenger, open) => {
  it("takes a PDF, a photo and a DICOM scan, has a document translated by an interpreter, and signs a conclusion the guardrail kept preliminary", async () => {
    const user = open("en");
    await onboard(user);
    await walkIntake(user, "Please review my MRI: a clinic abroad diagnosed a herniated disc", { format: "second_opinion" });
    await waitForText(user, "Second-opinion request No.");
    const consultation = await consultationOf(user);
    expect(consultation.kind).toBe("second_opinion");

    // Upload: the type comes from the bytes; a DICOM scan is kept with a note that the clinic's viewer shows it.
    const pdf = await realPdf();
    await send(user, pdf, "document", "mrt-befund.pdf");
    await waitForText(user, `The document is added to second-opinion request No. ${consultation.number} (1 of 10).`);
    await send(user, samplePng, "photo");
    await waitForText(user, "(2 of 10)");
    await send(user, dicomFile(), "document", "IMG0001");
    await waitForText(user, "(3 of 10)");
    const dicomReply = lastWith(user, "(3 of 10)");
    expect(dicomReply?.text).toContain("This is a DICOM scan: it is stored exactly as you sent it. The doctor views it in the clinic's DICOM viewer");
    expect(buttonsOf(dicomReply)).toEqual([]);

    const files = await patientFiles(consultation.id);
    expect(files.map((f) => [f.kind, f.mimeType])).toEqual([
      ["document", "application/pdf"],
      ["photo", "image/png"],
      ["dicom", "application/dicom"],
    ]);
    expect((await h.services.files.read(files[2]!.fileId)).bytes.equals(dicomFile())).toBe(true);
    // Stored encrypted at rest like every patient file: the blob is not the DICOM bytes.
    const row = await h.db.storedFile.findUniqueOrThrow({ where: { id: files[2]!.fileId } });
    expect(row.size).toBe(dicomFile().length);

    // Translation: the PDF's button asks for it (twice asks once), routed to interpreters.
    const pdfReply = lastWith(user, "(1 of 10)");
    const [translate] = buttonsOf(pdfReply);
    expect(translate?.data).toBe(`so:tr:${files[0]!.fileId}`);
    await user.press(translate!.data!);
    await waitForText(user, `A translation of the document is requested (request No. ${consultation.number})`);
    await user.press(translate!.data!);
    await waitForText(user, "A translation of this document is already requested");
    expect(await h.db.translationRequest.count({ where: { consultationId: consultation.id } })).toBe(1);

    const interpreter = await staffSession("interpreter", "Interpreter DE");
    const queue = (await interpreter.api("GET", "/translations")).json().translations as Array<{ id: string; status: string; mimeType: string }>;
    const request = queue.find((item) => item.mimeType === "application/pdf" && item.status === "requested")!;
    expect(request).toBeDefined();
    expect(Object.keys(request).sort()).toEqual(["fileName", "id", "mimeType", "requestedAt", "status", "translatedAt"]);
    const original = await interpreter.api("GET", `/translations/${request.id}/original`);
    expect(original.statusCode).toBe(200);
    expect(original.headers["content-type"]).toBe("application/pdf");
    expect(original.rawPayload.equals(pdf)).toBe(true);
    // Nothing else of the patient: not the thread, not the other files, not the translations list of the case.
    expect((await interpreter.api("GET", `/consultations/${consultation.id}`)).statusCode).toBe(403);
    expect((await interpreter.api("GET", `/consultations/${consultation.id}/files/${files[1]!.fileId}`)).statusCode).toBe(403);
    expect((await interpreter.api("GET", `/consultations/${consultation.id}/translations`)).statusCode).toBe(403);
    expect((await interpreter.api("POST", `/translations/${request.id}`, { text: "  " })).statusCode).toBe(400);
    const done = await interpreter.api("POST", `/translations/${request.id}`, { text: "MRI of the lumbar spine: L4-L5 disc protrusion, 4 mm." });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ id: request.id, status: "translated" });
    expect((await interpreter.api("POST", `/translations/${request.id}`, { text: "again" })).statusCode).toBe(409);
    // Once translated, the document is no longer open to other interpreters.
    const other = await staffSession("interpreter", "Interpreter 2");
    expect((await other.api("GET", `/translations/${request.id}/original`)).statusCode).toBe(404);
    expect((await other.api("GET", "/translations")).json().translations.some((t: { id: string }) => t.id === request.id)).toBe(false);
    const interpreterAudit = await h.db.auditEvent.findMany({ where: { actorId: interpreter.staff.id, entityType: "translation_request" }, orderBy: { seq: "asc" } });
    expect(interpreterAudit.map((e) => e.action)).toEqual(["translation.list", "translation.original_read", "translation.submit"]);

    // The doctor sees the translation beside the original and writes the conclusion.
    const doctor = await staffSession("doctor", "Анна Петрова");
    pki.issueDoctor(doctor.staff.doctor!.id, "Анна Петрова");
    expect((await doctor.api("GET", `/consultations/${consultation.id}/translations`)).statusCode).toBe(403);
    expect((await doctor.api("POST", `/consultations/${consultation.id}/take`)).statusCode).toBe(204);
    const translations = (await doctor.api("GET", `/consultations/${consultation.id}/translations`)).json().translations;
    expect(translations).toMatchObject([{ fileId: files[0]!.fileId, status: "translated", translation: "MRI of the lumbar spine: L4-L5 disc protrusion, 4 mm." }]);
    const thread = (await doctor.api("GET", `/consultations/${consultation.id}`)).json();
    expect(thread.messages.flatMap((m: { attachments: Array<{ kind: string }> }) => m.attachments.map((a) => a.kind))).toEqual(["document", "photo", "dicom"]);
    const scan = await doctor.api("GET", `/consultations/${consultation.id}/files/${files[2]!.fileId}`);
    expect(scan.headers["content-type"]).toBe("application/dicom");

    // Guardrail: no in-person visit for the problem, so the opinion on the foreign diagnosis is primary.
    const draft = (await doctor.api("POST", `/consultations/${consultation.id}/protocol`)).json();
    const refused = await doctor.api("PUT", `/protocols/${draft.id}`, {
      assessment: { kind: "diagnosis", text: "Herniated disc L4-L5 confirmed", codes: ["M51.1"] },
      prescriptions: [{ medicine: "Ibuprofen", dose: "400 mg", schedule: "twice a day", durationDays: 7 }],
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ code: "primary_consultation", details: { refused: ["diagnosis", "prescription"] } });
    const conclusion = {
      patient: { fullName: "John Smith", birthDate: "1980-02-03" },
      assessment: { kind: "preliminary", text: "The MRI shows an L4-L5 protrusion consistent with the diagnosis abroad", codes: ["M51.1"] },
      recommendations: "Bring the MRI discs to an in-person visit with a neurologist",
      referrals: [{ kind: "in_person_visit", target: "Neurologist, in-person visit" }],
    };
    expect((await doctor.api("PUT", `/protocols/${draft.id}`, conclusion)).statusCode).toBe(200);
    expect((await doctor.api("POST", `/protocols/${draft.id}/sign`)).statusCode).toBe(200);
    await expect
      .poll(async () => (await doctor.api("GET", `/protocols/${draft.id}/documents`)).json().documents.map((d: { kind: string }) => d.kind).sort(), { timeout: 20_000, interval: 200 })
      .toEqual(["referral", "second_opinion"]);
    await waitForText(user, `2 documents for consultation No. ${consultation.number} are ready`);

    // The conclusion reaches the patient's account like other documents, signed.
    await h.db.patient.update({ where: { id: consultation.patientId }, data: { identityLevel: "verified" } });
    const link = new URL((await h.services.accounts.createLoginLink(consultation.patientId)).url);
    const cookie = String((await h.app.inject({ method: "GET", url: link.pathname + link.search })).headers["set-cookie"]).split(";")[0]!;
    const page = await h.app.inject({ method: "GET", url: "/account", headers: { cookie } });
    expect(page.body).toContain("Second-opinion conclusion (PDF)");
    const document = await h.db.clinicalDocument.findFirstOrThrow({ where: { protocolId: draft.id, kind: "second_opinion" } });
    expect(page.body).toContain(`/account/documents/${document.id}`);
    const download = await h.app.inject({ method: "GET", url: `/account/documents/${document.id}`, headers: { cookie } });
    expect(download.headers["content-type"]).toBe("application/pdf");
    const file = join(out, "second-opinion.pdf");
    writeFileSync(file, download.rawPayload);
    const check = pdfsig(file, pki.nssDir);
    expect(check).toContain("Signature Validation: Signature is Valid.");
    expect(check).toContain("Certificate Validation: Certificate is Trusted.");
    const text = execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
    expect(text).toContain("Заключение (второе мнение)");
    expect(text).toContain("Second-opinion conclusion");
    expect(text).toContain("mrt-befund");
    expect(text).toContain("The MRI shows an L4-L5 protrusion");
    expect(text).toContain("/ Primary consultation:");
  });

  it("refuses a DICOM file outside a second opinion, and a translation of a file that is not the patient's", async () => {
    const user = open("ru");
    await onboard(user);
    await walkIntake(user, "Болит горло третий день");
    await waitForText(user, "№");
    await send(user, dicomFile(), "document", "IMG0001.dcm");
    await waitForText(user, "Этот тип файла мы не принимаем.");
    const consultation = await consultationOf(user);
    expect(await patientFiles(consultation.id)).toEqual([]);

    await user.press("so:tr:00000000-0000-4000-8000-000000000000");
    await waitForText(user, "Этого документа нет в открытом запросе второго мнения");
    expect(await h.db.translationRequest.count({ where: { consultationId: consultation.id } })).toBe(0);
  });

  it("erasure of a second opinion no doctor took destroys its documents and their translations", async () => {
    const user = open("en");
    await onboard(user);
    await walkIntake(user, "A second opinion on my blood tests, please", { format: "second_opinion" });
    await waitForText(user, "Second-opinion request No.");
    await send(user, await realPdf(), "document", "blutbild.pdf");
    await waitForText(user, "(1 of 10)");
    const consultation = await consultationOf(user);
    const [pdf] = await patientFiles(consultation.id);
    await user.press(`so:tr:${pdf!.fileId}`);
    await waitForText(user, "A translation of the document is requested");
    const interpreter = await staffSession("interpreter", "Interpreter 3");
    const request = await h.db.translationRequest.findFirstOrThrow({ where: { consultationId: consultation.id } });
    expect((await interpreter.api("POST", `/translations/${request.id}`, { text: "Complete blood count: normal." })).statusCode).toBe(200);
    const { translationFileId } = await h.db.translationRequest.findUniqueOrThrow({ where: { id: request.id } });

    await user.say("/delete");
    await waitForText(user, "Delete your data?");
    await user.press("erase:yes");
    await waitForText(user, "Your deletion request is accepted");
    await expect.poll(async () => (await h.db.patient.findUniqueOrThrow({ where: { id: consultation.patientId } })).erasedAt, { timeout: 15_000 }).not.toBeNull();
    expect(await h.db.translationRequest.count({ where: { consultationId: consultation.id } })).toBe(0);
    await expect.poll(() => h.db.storedFile.count({ where: { id: { in: [pdf!.fileId, translationFileId!] } } }), { timeout: 10_000 }).toBe(0);
  });
});
