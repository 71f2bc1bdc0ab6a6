import { mkdirSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RetentionRepository } from "../core/rights/retention-repository";
import { verifyToken } from "../core/video/livekit";
import { startHarness, type Harness } from "./helpers/harness";
import { LIVEKIT_KEY, LIVEKIT_SECRET, LiveKitStandIn } from "./helpers/livekit-stand-in";
import { pdfsig, TestPki } from "./helpers/test-pki";

let h: Harness;
let lk: LiveKitStandIn;
let pki: TestPki;
const out = join(import.meta.dirname, "..", "test-output", "consilium");

beforeAll(async () => {
  pki = new TestPki();
  mkdirSync(out, { recursive: true });
  lk = await new LiveKitStandIn().start();
  h = await startHarness({
    DOCTOR_CERTS_DIR: pki.certsDir,
    DOCTOR_CERTS_PASSWORD: pki.password,
    CLINIC_NAME: "ООО «Клиника Телеконс»",
    CLINIC_ADDRESS: "Москва, ул. Тверская, д. 1",
    PUBLIC_URL: "https://telecons.test",
    LIVEKIT_URL: lk.wsUrl,
    LIVEKIT_API_KEY: LIVEKIT_KEY,
    LIVEKIT_API_SECRET: LIVEKIT_SECRET,
  });
});
afterAll(async () => {
  await h?.close();
  await lk?.stop();
});

const texts = (chatId: number) => h.telegram.sent(chatId).map((call) => String(call.params.text));

async function doctor(name: string, specialty: string) {
  const { doctor, apiToken } = await h.services.doctors.create({ name, specialties: [specialty], languages: ["ru"] });
  pki.issueDoctor(doctor.id, name);
  const api = (method: "GET" | "POST" | "PUT", url: string, payload?: object) =>
    h.app.inject({ method, url: `/api/v1${url}`, headers: { authorization: `Bearer ${apiToken}` }, payload });
  return { doctor, api };
}

/** A patient's consultation taken by its treating doctor, and two colleagues of other specialties. */
async function setUp() {
  const user = h.newPatient("ru");
  await h.openConsultation(user, "Боль в груди при нагрузке, одышка");
  await h.telegram.waitFor(() => texts(user.id).some((text) => /№/.test(text)));
  const account = await h.db.messengerAccount.findUniqueOrThrow({ where: { channel_externalUserId: { channel: "telegram", externalUserId: String(user.id) } } });
  const consultation = await h.db.consultation.findFirstOrThrow({ where: { patientId: account.patientId } });
  const treating = await doctor("Анна Петрова", "gp");
  const cardiologist = await doctor("Олег Смирнов", "cardiology");
  const neurologist = await doctor("Ирина Соколова", "neurology");
  expect((await treating.api("POST", `/consultations/${consultation.id}/take`)).statusCode).toBe(204);
  return { user, patientId: account.patientId, consultation, treating, cardiologist, neurologist };
}

/** Opens a call page link as the page does: the LiveKit token it gets, with its claims checked against the key. */
async function joinCall(url: string, device: string) {
  const token = /\/call\/([A-Za-z0-9_-]+)$/.exec(url)![1]!;
  const response = await h.app.inject({ method: "POST", url: `/call/${token}/join`, payload: { device } });
  expect(response.statusCode, response.body).toBe(200);
  const grant = response.json() as { token: string; room: string; url: string };
  const claims = await verifyToken(grant.token, LIVEKIT_KEY, LIVEKIT_SECRET);
  expect(grant.url).toBe(lk.wsUrl);
  return { room: claims.video!.room!, identity: claims.sub!, canPublish: claims.video!.canPublish };
}

const conclusion = {
  patient: { fullName: "Кузнецов Пётр Ильич", birthDate: "1961-02-03" },
  complaints: "Давящая боль за грудиной при подъёме на 2 этаж, одышка",
  objective: "По видео: одышка при разговоре отсутствует; ЭКГ от 20.11 — без острых изменений",
  assessment: { kind: "preliminary", text: "Подозрение на стабильную стенокардию напряжения", codes: ["I20.8"] },
  recommendations: "Нагрузочная проба; липидограмма; при боли дольше 15 минут — вызвать 103",
  referrals: [{ kind: "in_person_visit", target: "Кардиолог, очный приём с нагрузочной пробой" }],
};

describe("consilium: several doctors, one room, one PDF signed by each", () => {
  it("schedules, opens one LiveKit room for every participant, records the conclusion, and files it once every doctor signed", async () => {
    const { user, patientId, consultation, treating, cardiologist, neurologist } = await setUp();
    const outsider = await doctor("Пётр Иванов", "dermatology");
    // Before the invitation the colleague is outside the patient's care.
    expect((await cardiologist.api("GET", `/patients/${patientId}/readings`)).statusCode).toBe(403);

    const at = new Date(Date.now() + 3600_000);
    const created = await treating.api("POST", `/consultations/${consultation.id}/consilia`, {
      question: "Нужна ли коронарография или достаточно нагрузочной пробы?",
      doctorIds: [cardiologist.doctor.id, neurologist.doctor.id],
      scheduledAt: at.toISOString(),
      patientJoins: true,
    });
    expect(created.statusCode, created.body).toBe(201);
    const consilium = created.json();
    expect(consilium).toMatchObject({ status: "scheduled", patientJoins: true, consultationNumber: consultation.number });
    expect(consilium.participants.map((p: { name: string }) => p.name)).toEqual(["Анна Петрова", "Олег Смирнов", "Ирина Соколова"]);
    await h.telegram.waitFor(() => texts(user.id).some((t) => t.startsWith(`По вашему обращению № ${consultation.number} назначен консилиум врачей`)));
    // The invitation is a care relationship: the colleague now reads the case (audited); an outsider does not.
    expect((await cardiologist.api("GET", `/patients/${patientId}/readings`)).statusCode).toBe(200);
    expect((await outsider.api("GET", `/consilia/${consilium.id}`)).statusCode).toBe(403);
    const read = await cardiologist.api("GET", `/consilia/${consilium.id}`);
    expect(read.json().complaints).toEqual(["Боль в груди при нагрузке, одышка"]);
    expect(await h.db.auditEvent.count({ where: { actorId: cardiologist.doctor.id, action: "consilium.read", entityId: consilium.id } })).toBe(1);

    // Scheduled: no room yet. The time comes and a doctor of the consilium opens it; the patient gets their link.
    expect((await cardiologist.api("POST", `/consilia/${consilium.id}/link`)).statusCode).toBe(409);
    const started = await cardiologist.api("POST", `/consilia/${consilium.id}/start`);
    expect(started.json()).toMatchObject({ status: "open" });
    const visitId = started.json().visitId as string;
    await h.telegram.waitFor(() => texts(user.id).some((t) => /Консилиум врачей по обращению № \d+ начался/.test(t)));
    const patientUrl = /(https:\/\/telecons\.test\/call\/[A-Za-z0-9_-]+)/.exec(texts(user.id).find((t) => t.includes("/call/"))!)![1]!;

    // Every participant's own link opens the same room through the video code's call page.
    const room = `consilium-${visitId}`;
    const members = [treating, cardiologist, neurologist];
    for (const [i, member] of members.entries()) {
      const link = await member.api("POST", `/consilia/${consilium.id}/link`);
      expect(link.statusCode, link.body).toBe(200);
      expect(await joinCall(link.json().url, `consilium-doctor-${i}`)).toEqual({ room, identity: `doctor-${member.doctor.id}`, canPublish: true });
    }
    expect(await joinCall(patientUrl, "consilium-patient-1")).toEqual({ room, identity: `patient-${patientId}`, canPublish: true });
    expect((await outsider.api("POST", `/consilia/${consilium.id}/link`)).statusCode).toBe(403);

    // The conclusion: any doctor of it writes it; signing before it exists is refused.
    expect((await treating.api("POST", `/consilia/${consilium.id}/sign`)).statusCode).toBe(409);
    const saved = await cardiologist.api("PUT", `/consilia/${consilium.id}/conclusion`, conclusion);
    expect(saved.statusCode, saved.body).toBe(200);
    const protocolId = saved.json().protocolId as string;
    expect(await h.db.protocol.findUniqueOrThrow({ where: { id: protocolId } })).toMatchObject({ kind: "consilium", status: "draft", consultationId: consultation.id });

    // The first signature freezes it; the two others sign at the same moment and both land on the one PDF.
    const first = await treating.api("POST", `/consilia/${consilium.id}/sign`);
    expect(first.json()).toMatchObject({ status: "signing" });
    expect((await neurologist.api("PUT", `/consilia/${consilium.id}/conclusion`, { ...conclusion, recommendations: "другое" })).statusCode).toBe(409);
    expect((await treating.api("POST", `/consilia/${consilium.id}/sign`)).statusCode).toBe(409);
    expect(await h.db.clinicalDocument.count({ where: { patientId } })).toBe(0);
    const [second, third] = await Promise.all([cardiologist.api("POST", `/consilia/${consilium.id}/sign`), neurologist.api("POST", `/consilia/${consilium.id}/sign`)]);
    expect([second.statusCode, third.statusCode], `${second.body} ${third.body}`).toEqual([200, 200]);

    // Only now the patient's document, and their notice, like any signed document.
    await expect.poll(() => h.db.clinicalDocument.count({ where: { patientId, kind: "consilium" } }), { timeout: 20_000, interval: 200 }).toBe(1);
    await h.telegram.waitFor(() => texts(user.id).some((t) => t.startsWith(`Документ по консультации № ${consultation.number} готов`)));
    expect((await treating.api("GET", `/consilia/${consilium.id}`)).json().status).toBe("signed");
    const overview = await h.services.accounts.overview(patientId);
    expect(overview.documents.map((d) => d.kind)).toEqual(["consilium"]);

    const document = await h.db.clinicalDocument.findFirstOrThrow({ where: { patientId, kind: "consilium" } });
    const { bytes } = await h.services.documents.content(document.id);
    const file = join(out, "consilium.pdf");
    writeFileSync(file, bytes);
    const check = pdfsig(file, pki.nssDir);
    const signatures = check.split(/^Signature #\d+:$/m).slice(1);
    expect(signatures).toHaveLength(3);
    for (const signature of signatures) {
      expect(signature).toContain("Signature Validation: Signature is Valid.");
      expect(signature).toContain("Certificate Validation: Certificate is Trusted.");
    }
    expect(signatures[0]).toContain("Анна Петрова");
    expect(signatures.slice(1).join("")).toContain("Олег Смирнов");
    expect(signatures.slice(1).join("")).toContain("Ирина Соколова");
    expect(signatures[2]).toContain("Total document signed");
    const text = execFileSync("pdftotext", ["-enc", "UTF-8", file, "-"], { encoding: "utf8" });
    for (const words of ["Протокол консилиума врачей", "Нужна ли коронарография", "Кузнецов Пётр Ильич", "Олег Смирнов (cardiology)", "Ирина Соколова"]) expect(text).toContain(words);

    // One byte changed inside the first signed range (the page content) breaks every signature.
    const firstLength = Number(/\/ByteRange \[\s*0\s+(\d+)/.exec(bytes.toString("latin1"))![1]);
    const tampered = Buffer.from(bytes);
    const at2 = Math.floor(firstLength / 2);
    tampered[at2] = tampered[at2]! ^ 0x01;
    const tamperedFile = join(out, "consilium-tampered.pdf");
    writeFileSync(tamperedFile, tampered);
    const broken = pdfsig(tamperedFile, pki.nssDir);
    expect(broken).not.toContain("Signature is Valid");
    expect(broken.match(/Digest Mismatch|Signature is Invalid/g)?.length).toBe(3);

    // Signed: the consilium's care relationship has ended for the colleagues; the treating doctor keeps theirs.
    expect((await cardiologist.api("GET", `/patients/${patientId}/readings`)).statusCode).toBe(403);

    // At the end of an erased patient's retention period the consilium goes with the rest, its PDF among the files.
    const files = await new RetentionRepository(h.db).destroyPatient(patientId);
    expect(files).toContain(document.fileId);
    expect(await h.db.consilium.count({ where: { patientId } })).toBe(0);
    expect(await h.db.videoVisitGuest.count({ where: { visitId } })).toBe(0);
  });

  it("opens an immediate consilium of invited doctors only, without the treating doctor in the room", async () => {
    const { user, consultation, treating, cardiologist, neurologist } = await setUp();
    const created = await treating.api("POST", `/consultations/${consultation.id}/consilia`, {
      question: "Тактика при атипичной боли в груди",
      doctorIds: [cardiologist.doctor.id, neurologist.doctor.id],
      treatingDoctorJoins: false,
    });
    expect(created.statusCode, created.body).toBe(201);
    const consilium = created.json();
    expect(consilium.status).toBe("open");
    expect(consilium.participants.map((p: { doctorId: string }) => p.doctorId)).toEqual([cardiologist.doctor.id, neurologist.doctor.id]);
    // The treating doctor called it and reads it, but is not in the room and does not sign.
    expect((await treating.api("GET", `/consilia/${consilium.id}`)).statusCode).toBe(200);
    expect((await treating.api("POST", `/consilia/${consilium.id}/link`)).statusCode).toBe(403);
    const link = await neurologist.api("POST", `/consilia/${consilium.id}/link`);
    expect((await joinCall(link.json().url, "consilium-neuro-1")).room).toBe(`consilium-${consilium.visitId}`);
    expect(texts(user.id).some((t) => t.includes("консилиум"))).toBe(false);
    // A colleague is not the thread's doctor: calling a consilium is the treating doctor's.
    expect((await cardiologist.api("POST", `/consultations/${consultation.id}/consilia`, { question: "?", doctorIds: [neurologist.doctor.id] })).statusCode).toBe(403);
    expect((await treating.api("POST", `/consultations/${consultation.id}/consilia`, { question: "?", doctorIds: [treating.doctor.id] })).statusCode).toBe(400);
  });
});
