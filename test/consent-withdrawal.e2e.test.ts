import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { totpCode } from "../core/staff/totp";
import { processTick } from "../workers/reminders.worker";
import { startHarness, type Harness } from "./helpers/harness";
import { hl7 } from "./helpers/hl7-fixtures";

// Issue 15 point 1: a withdrawal stops processing on every path outside the dialogue, and consenting again resumes it.
const LAB_TOKEN = "helix-push-token-withdrawal-0123";
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ LABS_CONFIG: JSON.stringify([{ id: "helix", name: "Helix", delivery: { type: "push", token: LAB_TOKEN } }]) });
});
afterAll(async () => {
  await h?.close();
});

async function doctorWithCookie() {
  const email = `doctor-${Math.random().toString(36).slice(2)}@clinic.test`;
  const password = "a long enough password";
  const created = await h.services.staff.create({ email, name: "Doctor Withdrawal", role: "doctor", password, specialties: ["gp"], languages: ["ru", "en"] });
  const login = await h.app.inject({ method: "POST", url: "/api/v1/auth/login", payload: { email, password, code: totpCode(created.totpSecret) } });
  const cookie = String(login.headers["set-cookie"]).split(";")[0]!;
  const headers = { cookie, "x-requested-with": "telecons-console" };
  const api = (method: "GET" | "POST" | "PUT", url: string, payload?: object) => h.app.inject({ method, url: `/api/v1${url}`, headers, payload });
  return { doctorId: created.staff.doctor!.id, api };
}

/** A patient with both consents, in the care of a fresh doctor. */
async function patientInCare() {
  const user = h.newPatient("ru");
  await h.onboard(user);
  const account = await h.db.messengerAccount.findUniqueOrThrow({ where: { channel_externalUserId: { channel: "telegram", externalUserId: String(user.id) } } });
  const doctor = await doctorWithCookie();
  await h.careOf(doctor.doctorId, account.patientId);
  return { user, patientId: account.patientId, ...doctor };
}

async function withdraw(user: { id: number }) {
  await h.say(user, "/consents");
  await h.press(user, "consents:withdraw:personal_data");
  await h.press(user, "consents:confirm:personal_data");
}
const consentAgain = (user: { id: number }) => h.press(user, "consent:personal_data:yes");
const texts = (userId: number) => h.telegram.sent(userId).map((c) => String(c.params.text));

describe("consent withdrawal stops processing", () => {
  it("devices get 403 with the reason, and readings are taken again after consenting again", async () => {
    const p = await patientInCare();
    const { token } = (await p.api("POST", `/patients/${p.patientId}/ingestion-tokens`, { label: "tonometer" })).json();
    const post = () =>
      h.app.inject({ method: "POST", url: "/api/v1/readings", headers: { authorization: `Bearer ${token}` }, payload: { readings: [{ kind: "heart_rate", value: 70, at: new Date().toISOString() }] } });
    expect((await post()).statusCode).toBe(200);

    await withdraw(p.user);
    const refused = await post();
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: "consent_withdrawn", message: expect.stringContaining("withdrawn consent") });
    expect(await h.db.reading.count({ where: { patientId: p.patientId } })).toBe(1);

    await consentAgain(p.user);
    expect((await post()).statusCode).toBe(200);
  });

  it("lab results go to the review list with the reason instead of the record", async () => {
    const p = await patientInCare();
    const order = (await p.api("POST", `/patients/${p.patientId}/lab-orders`, { tests: ["13457-7"] })).json();
    await withdraw(p.user);
    const report = { ...hl7("diagnosticreport-lipids"), id: `lipids-w-${order.id}`, basedOn: [{ reference: `ServiceRequest/${order.id}` }] };
    const pushed = await h.app.inject({
      method: "POST",
      url: "/api/v1/labs/helix/results",
      headers: { authorization: `Bearer ${LAB_TOKEN}`, "content-type": "application/fhir+json" },
      payload: JSON.stringify(report),
    });
    expect(pushed.json()).toMatchObject({ status: "review", reason: `consent withdrawn by the patient of order ${order.number}: results not stored` });
    expect(await h.db.labResult.count({ where: { orderId: order.id } })).toBe(0);
    // Filing it under the order is refused too while the consent stays withdrawn.
    const item = await h.db.labReviewItem.findFirstOrThrow({ where: { reason: { contains: `order ${order.number}:` } } });
    const filed = await p.api("POST", `/labs/review/${item.id}/resolve`, { orderId: order.id });
    expect(filed.statusCode).toBe(403);
    expect(filed.json().code).toBe("consent_withdrawn");
  });

  it("reminders stop while consent is withdrawn and resume after consenting again", async () => {
    const p = await patientInCare();
    const created = await p.api("POST", `/patients/${p.patientId}/medication-schedules`, {
      medicine: "Бисопролол", dose: "5 мг", timesOfDay: ["08:00"], startDate: "2027-03-01", endDate: "2027-03-03", timezone: "Europe/Moscow",
    });
    expect(created.statusCode).toBe(201);
    const tick = async (at: string) => {
      h.services.reminders.clock = () => new Date(at);
      await processTick(h.services.reminders);
    };
    const dose = (day: string) => h.db.reminderOccurrence.findFirstOrThrow({ where: { patientId: p.patientId, idempotencyKey: { contains: `${day}T08:00` } } });

    await withdraw(p.user);
    await tick("2027-03-01T05:00:30Z"); // 08:00:30 in Moscow
    expect((await dose("2027-03-01")).status).toBe("cancelled");
    expect(texts(p.user.id).filter((t) => t.includes("Бисопролол"))).toEqual([]);

    await consentAgain(p.user);
    await tick("2027-03-02T05:00:30Z");
    expect((await dose("2027-03-02")).status).toBe("sent");
    await h.telegram.waitFor(() => texts(p.user.id).some((t) => t.includes("Бисопролол")));
  });

  it("the console shows the consultation as consent withdrawn and refuses replies other than the closing notice", async () => {
    const user = h.newPatient("ru");
    await h.openConsultation(user, "Болит горло третий день");
    const consultation = await h.db.consultation.findFirstOrThrow({ where: { account: { externalUserId: String(user.id) } } });
    const doctor = await doctorWithCookie();
    expect((await doctor.api("POST", `/consultations/${consultation.id}/take`)).statusCode).toBe(204);
    expect((await doctor.api("GET", `/consultations/${consultation.id}`)).json().consentWithdrawn).toBe(false);

    await withdraw(user);
    expect((await doctor.api("GET", `/consultations/${consultation.id}`)).json().consentWithdrawn).toBe(true);
    const reply = await doctor.api("POST", `/consultations/${consultation.id}/messages`, { text: "Полощите горло" });
    expect(reply.statusCode).toBe(403);
    expect(reply.json().code).toBe("consent_withdrawn");
    expect(await h.db.message.count({ where: { consultationId: consultation.id, authorRole: "doctor" } })).toBe(0);

    const close = await doctor.api("POST", `/consultations/${consultation.id}/close`, { outcome: "consent_withdrawn" });
    expect(close.statusCode).toBe(204);
    await h.telegram.waitFor(() => texts(user.id).some((t) => t.startsWith(`Обращение № ${consultation.number} закрыто: вы отозвали согласие`)));
    expect(await h.db.auditEvent.findFirstOrThrow({ where: { action: "consultation.close", entityId: consultation.id } })).toMatchObject({
      meta: { outcome: "consent_withdrawn", medicalCare: false, protocolId: null },
    });
  });
});
