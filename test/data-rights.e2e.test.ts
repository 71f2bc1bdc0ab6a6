import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashIdentifier, normalizePhone } from "../core/identity/identity-service";
import { consoleDoctor } from "./helpers/channel-fixtures";
import { startHarness, type Harness } from "./helpers/harness";
import { telegramUpdates } from "./helpers/telegram-stand-in";

/**
 * Issue 15, point 2, through the bot and the account: `/mydata` hands a copy (JSON + PDF) out in the account to a
 * verified patient only; `/delete` erases what may be erased and keeps the medical record, restricted, with a
 * retention date; the retention sweep destroys it once that date has passed. Every step leaves an audit row.
 */
let h: Harness;
let doctor: Awaited<ReturnType<typeof consoleDoctor>>;

beforeAll(async () => {
  h = await startHarness();
  doctor = await consoleDoctor(h);
});
afterAll(async () => {
  await h?.close();
});

const delivered = (chatId: number) => h.telegram.delivered.filter((m) => m.chatId === String(chatId)).map((m) => m.text);
const waitForText = async (chatId: number, pattern: RegExp) => {
  await expect.poll(() => delivered(chatId).find((text) => pattern.test(text)), { timeout: 20_000 }).toBeDefined();
  return delivered(chatId).find((text) => pattern.test(text))!;
};
const auditActions = async (patientId: string) =>
  (await h.db.auditEvent.findMany({ where: { entityId: patientId }, select: { action: true } })).map((a) => a.action);

/** A Telegram patient with a consultation a doctor answered (the medical record), a signed protocol with its
 *  document, a confirmed phone, a device token, and an unanswered second question (outside the record). */
async function patientWithHistory(phone: string) {
  const user = h.newPatient("ru");
  await h.openConsultation(user, "Кашель третий день, температура 37.8");
  const account = await h.db.messengerAccount.findUniqueOrThrow({ where: { channel_externalUserId: { channel: "telegram", externalUserId: String(user.id) } } });
  const patientId = account.patientId;
  const consultation = await h.db.consultation.findFirstOrThrow({ where: { patientId }, orderBy: { createdAt: "desc" } });
  await doctor.reply(consultation.id, "Пейте больше жидкости и измеряйте температуру");
  const doctorId = (await h.db.consultation.findUniqueOrThrow({ where: { id: consultation.id } })).doctorId!;
  // A signed protocol and its PDF as the documents worker leaves them (signing itself is tested in documents.e2e).
  const protocol = await h.db.protocol.create({
    data: { consultationId: consultation.id, patientId, doctorId, version: 1, status: "signed", primary: true, content: { complaints: "Кашель", fullName: "Иванов Иван" }, signedAt: new Date() },
  });
  const fileId = await h.services.files.save(Buffer.from("%PDF-1.4 signed report"), { mimeType: "application/pdf", fileName: "report.pdf" });
  const document = await h.db.clinicalDocument.create({ data: { protocolId: protocol.id, patientId, kind: "report", fileId } });
  // A renewal asked of that protocol and its push to the clinic's MIS: part of the record, destroyed with it.
  await h.db.prescriptionRenewal.create({ data: { patientId, protocolId: protocol.id, prescriberId: doctorId, specialty: "gp", via: "command", status: "declined" } });
  await h.db.misPush.create({ data: { protocolId: protocol.id, status: "sent" } });
  const confirmed = await h.postUpdate(telegramUpdates.contact(h.nextUpdateId(), user, phone, user.id));
  expect(confirmed.statusCode).toBe(200);
  await expect.poll(() => h.db.identityVerification.count({ where: { patientId, method: "telegram_contact" } })).toBe(1);
  await h.services.ingestionTokens.issue({ type: "system" }, patientId, "tonometer");
  // A second question nobody medical has seen yet, with a photo: outside the medical record.
  const photoId = await h.services.files.save(Buffer.from("not really a photo"), { mimeType: "image/png", fileName: "throat.png" });
  const loose = await h.db.consultation.create({ data: { patientId, accountId: account.id, kind: "async_chat" } });
  await h.db.message.create({
    data: { consultationId: loose.id, authorRole: "patient", text: "И ещё сыпь на руке", attachments: [{ fileId: photoId, kind: "photo", fileName: "throat.png", mimeType: "image/png", size: 18 }] },
  });
  return { user, patientId, consultationId: consultation.id, looseId: loose.id, protocolId: protocol.id, documentId: document.id, fileId, photoId };
}

/** Every table with a `patientId` or `protocolId` column that still has a row of this patient or protocol —
 *  a table added later is checked without anyone remembering to list it here. */
async function rowsStillNaming(patientId: string, protocolId: string): Promise<string[]> {
  const columns = await h.db.$queryRaw<Array<{ table: string; column: string }>>`
    SELECT table_name AS "table", column_name AS "column" FROM information_schema.columns
    WHERE table_schema = current_schema() AND column_name IN ('patientId', 'protocolId')`;
  const left: string[] = [];
  for (const { table, column } of columns) {
    const id = column === "patientId" ? patientId : protocolId;
    const [row] = await h.db.$queryRawUnsafe<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM "${table}" WHERE "${column}"::text = $1`, id);
    if (row!.n > 0) left.push(`${table}.${column}`);
  }
  return left;
}

async function accountSession(link: string): Promise<string> {
  const url = new URL(link);
  const login = await h.app.inject({ method: "GET", url: `${url.pathname}${url.search}` });
  expect(login.statusCode).toBe(303);
  return String(login.headers["set-cookie"]).split(";")[0]!;
}

describe("the patient's data rights (152-FZ)", () => {
  let p: Awaited<ReturnType<typeof patientWithHistory>>;

  it("/mydata: the export is in the account, refused before identity verification, JSON and a readable PDF after it", async () => {
    p = await patientWithHistory("+7 (999) 555-01-23");
    await h.say(p.user, "/mydata");
    const answer = await waitForText(p.user.id, /\/account\/login\?token=/);
    expect(answer).toMatch(/после подтверждения личности/);
    const cookie = await accountSession(answer.match(/https?:\/\/\S+/)![0]);

    const refused = await h.app.inject({ method: "GET", url: "/account/my-data.json", headers: { cookie } });
    expect(refused.statusCode).toBe(403);
    const page = await h.app.inject({ method: "GET", url: "/account", headers: { cookie } });
    expect(page.body).toContain('id="my-data-verify"');

    await h.services.identity.record(p.patientId, { level: "verified", method: "staff", actor: { type: "system" } });
    const json = await h.app.inject({ method: "GET", url: "/account/my-data.json", headers: { cookie } });
    expect(json.statusCode).toBe(200);
    expect(json.headers["content-disposition"]).toMatch(/attachment; filename="my-data-\d{4}-\d{2}-\d{2}\.json"/);
    const data = json.json();
    expect(data.patient.id).toBe(p.patientId);
    expect(data.messengerAccounts).toEqual([expect.objectContaining({ channel: "telegram", externalUserId: String(p.user.id) })]);
    const texts = data.consultations.flatMap((c: { messages: Array<{ text: string }> }) => c.messages.map((m) => m.text));
    expect(texts).toEqual(expect.arrayContaining(["Кашель третий день, температура 37.8", "И ещё сыпь на руке"]));
    expect(data.protocols[0].content.complaints).toBe("Кашель");
    expect(data.deviceTokens).toEqual([expect.objectContaining({ label: "tonometer" })]);
    // Hashes identify nothing to the patient and are not handed out.
    expect(json.body).not.toContain(hashIdentifier(normalizePhone("+7 (999) 555-01-23")));

    const pdf = await h.app.inject({ method: "GET", url: "/account/my-data.pdf", headers: { cookie } });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers["content-type"]).toBe("application/pdf");
    const dir = mkdtempSync(join(tmpdir(), "mydata-"));
    writeFileSync(join(dir, "export.pdf"), pdf.rawPayload);
    const text = execFileSync("pdftotext", ["-layout", join(dir, "export.pdf"), "-"], { encoding: "utf8" });
    expect(text).toContain("Мои данные в сервисе телеконсультаций");
    expect(text).toContain("Обращения и переписка");
    expect(text).toContain("Пейте больше жидкости");

    const actions = await auditActions(p.patientId);
    expect(actions).toEqual(expect.arrayContaining(["patient.export_request", "patient.export_refused", "patient.export"]));
    expect(actions.filter((a) => a === "patient.export")).toHaveLength(2);
  });

  it("/delete: after confirmation no query by the old messenger id or phone finds the patient; the record stays, restricted", async () => {
    await h.say(p.user, "/delete");
    await waitForText(p.user.id, /Удалить ваши данные\?/);
    await h.press(p.user, "erase:yes");
    // The confirmation goes out first (it needs the messenger id the erasure removes), then the worker erases.
    await waitForText(p.user.id, /Запрос на удаление принят/);
    await expect.poll(async () => (await h.db.patient.findUniqueOrThrow({ where: { id: p.patientId } })).erasedAt, { timeout: 15_000 }).not.toBeNull();

    const telegramId = String(p.user.id);
    expect(await h.db.messengerAccount.findUnique({ where: { channel_externalUserId: { channel: "telegram", externalUserId: telegramId } } })).toBeNull();
    expect(await h.db.messengerAccount.count({ where: { OR: [{ externalUserId: telegramId }, { chatId: telegramId }] } })).toBe(0);
    expect(await h.db.inboundEvent.count({ where: { chatKey: `telegram:${telegramId}` } })).toBe(0);
    const phoneHash = hashIdentifier(normalizePhone("+7 (999) 555-01-23"));
    expect(await h.db.identityVerification.count({ where: { subject: phoneHash } })).toBe(0);
    expect(await h.db.outboxMessage.count({ where: { account: { patientId: p.patientId }, NOT: { payload: { equals: { text: "[erased]" } } } } })).toBe(0);
    expect(await h.db.ingestionToken.count({ where: { patientId: p.patientId } })).toBe(0);
    expect(await h.db.accountSession.count({ where: { patientId: p.patientId } })).toBe(0);
    // Outside the record: the unanswered question and its photo are gone.
    expect((await h.db.message.findFirstOrThrow({ where: { consultationId: p.looseId } })).text).toBe("");
    await expect(h.services.files.read(p.photoId)).rejects.toThrow();

    // The medical record: the answered consultation, the protocol (with the name in it) and the signed PDF are kept...
    const patient = await h.db.patient.findUniqueOrThrow({ where: { id: p.patientId } });
    expect(patient.retainUntil!.getTime()).toBeGreaterThan(Date.now() + 24 * 365 * 86_400_000);
    expect(await h.db.message.count({ where: { consultationId: p.consultationId, text: "Кашель третий день, температура 37.8" } })).toBe(1);
    expect((await h.db.protocol.findUniqueOrThrow({ where: { id: p.protocolId } })).status).toBe("signed");
    expect((await h.services.files.read(p.fileId)).bytes.toString()).toContain("signed report");
    // ...with restricted access: the doctor who wrote them can no longer open them.
    const read = await h.app.inject({ method: "GET", url: `/api/v1/protocols/${p.protocolId}`, headers: doctor.headers });
    expect([read.statusCode, read.body]).toEqual([403, expect.stringContaining("restricted")]);
    const thread = await h.app.inject({ method: "GET", url: `/api/v1/consultations/${p.consultationId}`, headers: doctor.headers });
    expect(thread.statusCode).toBe(403);

    const actions = await auditActions(p.patientId);
    expect(actions).toEqual(expect.arrayContaining(["patient.erasure_request", "patient.erase"]));
    expect(await h.db.auditEvent.count({ where: { entityId: p.consultationId, action: "consultation.reply" } })).toBe(1);

    // The same Telegram user writing again is a new, anonymous patient asked for consent.
    await h.say(p.user, "/start");
    const fresh = await h.db.messengerAccount.findUniqueOrThrow({ where: { channel_externalUserId: { channel: "telegram", externalUserId: telegramId } } });
    expect(fresh.patientId).not.toBe(p.patientId);
  });

  it("the retention sweep destroys an erased record once its retention date has passed, and audits it", async () => {
    const patient = await h.db.patient.findUniqueOrThrow({ where: { id: p.patientId } });
    await h.services.retentionSweep.run(new Date(patient.retainUntil!.getTime() - 86_400_000));
    expect(await h.db.protocol.count({ where: { id: p.protocolId } })).toBe(1);
    // (The run's database is shared: other suites' erased records may be destroyed by the same sweep; ours stays.)
    expect(await h.db.patient.count({ where: { id: p.patientId } })).toBe(1);
    const after = await h.services.retentionSweep.run(new Date(patient.retainUntil!.getTime() + 1000));
    expect(after.patientsDestroyed).toBeGreaterThanOrEqual(1);
    expect(await h.db.patient.count({ where: { id: p.patientId } })).toBe(0);
    expect(await h.db.protocol.count({ where: { id: p.protocolId } })).toBe(0);
    expect(await rowsStillNaming(p.patientId, p.protocolId)).toEqual([]);
    await expect(h.services.files.read(p.fileId)).rejects.toThrow();
    // The audit trail is kept: the erasure, and now the destruction.
    expect(await auditActions(p.patientId)).toEqual(expect.arrayContaining(["patient.erase", "patient.destroy"]));
  });

  it("erasure from the account page: confirmed, the session ends, the worker erases", async () => {
    const user = h.newPatient("en");
    await h.onboard(user);
    const account = await h.db.messengerAccount.findUniqueOrThrow({ where: { channel_externalUserId: { channel: "telegram", externalUserId: String(user.id) } } });
    const cookie = await accountSession((await h.services.accounts.createLoginLink(account.patientId)).url);
    const page = await h.app.inject({ method: "GET", url: "/account", headers: { cookie } });
    expect(page.body).toContain('action="/account/delete"');
    const erased = await h.app.inject({ method: "POST", url: "/account/delete", headers: { cookie } });
    expect(erased.statusCode).toBe(200);
    expect(erased.body).toContain("Your deletion request is accepted");
    expect(String(erased.headers["set-cookie"])).toMatch(/tc_account=;/);
    await expect.poll(async () => (await h.db.patient.findUniqueOrThrow({ where: { id: account.patientId } })).erasedAt, { timeout: 15_000 }).not.toBeNull();
    // No medical record: nothing to keep, so the record may go at the next sweep.
    const patient = await h.db.patient.findUniqueOrThrow({ where: { id: account.patientId } });
    expect(patient.retainUntil!.getTime()).toBeLessThanOrEqual(Date.now());
    expect((await h.app.inject({ method: "GET", url: "/account", headers: { cookie } })).statusCode).toBe(401);
  });
});
