import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "./helpers/harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

/** A patient with an open consultation, and a doctor ready to answer it. */
async function openConsultation(language = "ru") {
  const patient = h.newPatient(language);
  await h.openConsultation(patient, "Болит горло");
  const account = await h.db.messengerAccount.findUniqueOrThrow({
    where: { channel_externalUserId: { channel: "telegram", externalUserId: String(patient.id) } },
  });
  const consultation = await h.db.consultation.findFirstOrThrow({ where: { patientId: account.patientId } });
  await h.telegram.waitFor(() => h.telegram.sent(patient.id).some((c) => /создано|is open/.test(String(c.params.text))));
  const { doctor, apiToken } = await h.newDoctor();
  const reply = (text: string, token = apiToken) =>
    h.app.inject({
      method: "POST",
      url: `/api/v1/consultations/${consultation.id}/messages`,
      headers: { authorization: `Bearer ${token}` },
      payload: { text },
    });
  return { patient, account, consultation, doctor, reply };
}

const deliveriesOf = (chatId: number, fragment: string) =>
  h.telegram.sent(chatId).filter((call) => String(call.params.text).includes(fragment));

describe("outbox delivery", () => {
  it("waits Telegram's retry_after on a 429 and then delivers once", async () => {
    const { patient, reply } = await openConsultation();
    h.telegram.failNext(patient.id, 1, { status: 429, description: "Too Many Requests: retry after 1", retryAfter: 1 });
    const started = Date.now();
    expect((await reply("Полоскания тёплой водой с солью")).statusCode).toBe(201);
    await h.telegram.waitFor(() => deliveriesOf(patient.id, "Полоскания").length === 2, 10_000);
    const [refused, delivered] = deliveriesOf(patient.id, "Полоскания");
    // The second try came no sooner than the second Telegram asked for.
    expect(delivered!.at - refused!.at).toBeGreaterThanOrEqual(1000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(deliveriesOf(patient.id, "Полоскания")).toHaveLength(2);
  });

  it("keeps the reply while Telegram is down and sends it once it is back", async () => {
    const { patient, reply } = await openConsultation();
    h.telegram.setDown(true);
    const answer = await reply("Сдайте общий анализ крови");
    expect(answer.statusCode).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const row = await h.db.outboxMessage.findUniqueOrThrow({ where: { messageId: answer.json().id } });
    expect(row.status).toBe("pending");
    expect(row.attempts).toBeGreaterThanOrEqual(2);
    expect(row.lastError).toMatch(/502|Bad Gateway/);
    h.telegram.setDown(false);
    await h.telegram.waitFor(() => deliveriesOf(patient.id, "общий анализ крови").length === 1, 10_000);
    await expect.poll(async () => (await h.db.outboxMessage.findUniqueOrThrow({ where: { id: row.id } })).status).toBe("sent");
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(deliveriesOf(patient.id, "общий анализ крови")).toHaveLength(1);
  });

  it("marks a patient who blocked the bot unreachable and stops retrying", async () => {
    const { patient, account, reply } = await openConsultation();
    h.telegram.failNext(patient.id, 1, { status: 403, description: "Forbidden: bot was blocked by the user" });
    const answer = await reply("Как вы себя чувствуете?");
    await expect
      .poll(async () => (await h.db.message.findUniqueOrThrow({ where: { id: answer.json().id } })).deliveryStatus)
      .toBe("failed");
    const row = await h.db.outboxMessage.findUniqueOrThrow({ where: { messageId: answer.json().id } });
    expect(row).toMatchObject({ status: "failed", attempts: 1 });
    expect((await h.db.messengerAccount.findUniqueOrThrow({ where: { id: account.id } })).unreachableAt).toBeInstanceOf(Date);
  });

  it("delivers a patient's messages in the order they were written", async () => {
    const { patient, reply } = await openConsultation();
    h.telegram.failNext(patient.id, 1, { status: 500, description: "Internal Server Error" });
    for (const n of [1, 2, 3]) expect((await reply(`Сообщение ${n}`)).statusCode).toBe(201);
    await h.telegram.waitFor(() => deliveriesOf(patient.id, "Сообщение").length === 4, 10_000);
    const delivered = h.telegram
      .sent(patient.id)
      .map((call) => String(call.params.text))
      .filter((text) => text.includes("Сообщение"));
    // The first try of message 1 failed; 2 and 3 waited for it.
    expect(delivered.map((text) => text.at(-1))).toEqual(["1", "1", "2", "3"]);
  });
});

describe("console api", () => {
  it("refuses requests without a valid doctor token", async () => {
    const { consultation } = await openConsultation();
    for (const headers of [{}, { authorization: "Bearer nope" }, { authorization: "Basic abc" }]) {
      const response = await h.app.inject({ method: "GET", url: `/api/v1/consultations/${consultation.id}`, headers });
      expect(response.statusCode).toBe(401);
      expect(response.json().code).toBe("unauthorized");
    }
  });

  it("answers malformed requests with a clear error", async () => {
    const { apiToken } = await h.newDoctor();
    const auth = { authorization: `Bearer ${apiToken}` };
    const badId = await h.app.inject({ method: "GET", url: "/api/v1/consultations/not-a-uuid", headers: auth });
    expect(badId.statusCode).toBe(400);
    expect(badId.json().code).toBe("validation");
    const missing = await h.app.inject({ method: "GET", url: `/api/v1/consultations/${crypto.randomUUID()}`, headers: auth });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ code: "not_found", message: "consultation not found" });
    const { consultation } = await openConsultation();
    const empty = await h.app.inject({
      method: "POST",
      url: `/api/v1/consultations/${consultation.id}/messages`,
      headers: auth,
      payload: { text: "   " },
    });
    expect(empty.statusCode).toBe(400);
  });

  it("lets only one of two doctors answering at once take the consultation", async () => {
    const { consultation, reply } = await openConsultation();
    const other = await h.newDoctor("Иван Смирнов");
    const [first, second] = await Promise.all([reply("Ответ первого врача"), reply("Ответ второго врача", other.apiToken)]);
    // The loser is refused either way: 409 when both passed the visibility check before either committed, 403 when
    // its request came after the winner's commit, when the consultation is another doctor's (the access matrix's 403).
    const refused = [first.statusCode, second.statusCode].filter((status) => status !== 201);
    expect(refused).toHaveLength(1);
    expect([403, 409]).toContain(refused[0]);
    const row = await h.db.consultation.findUniqueOrThrow({ where: { id: consultation.id }, include: { messages: true } });
    expect(row.messages.filter((m) => m.authorRole === "doctor")).toHaveLength(1);
  });
});

describe("patient notifications", () => {
  it("reach the patient's reachable account in their language, or report that none is left", async () => {
    const { patient, account } = await openConsultation("en");
    const sent = await h.services.notifier.notify(account.patientId, (t) => ({ text: t("complaint.ask") }));
    expect(sent).toBe(true);
    await h.telegram.waitFor(() =>
      h.telegram.sent(patient.id).some((c) => c.params.text === "Please describe what is bothering you: symptoms, since when, and what you have already taken.") &&
      h.telegram.sent(patient.id).filter((c) => String(c.params.text).startsWith("Please describe")).length === 2,
    );
    await h.db.messengerAccount.update({ where: { id: account.id }, data: { unreachableAt: new Date() } });
    expect(await h.services.notifier.notify(account.patientId, (t) => ({ text: t("complaint.ask") }))).toBe(false);
  });
});
