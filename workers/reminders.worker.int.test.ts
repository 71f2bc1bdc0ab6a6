import { randomUUID } from "node:crypto";
import { UnrecoverableError } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../test/helpers/harness";
import { jobErrorPolicy } from "./job-queues";
import { processPrescribed, processTick } from "./reminders.worker";
import { patientWithAccount } from "../test/helpers/patient-with-account";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({}, { workers: false });
});
afterAll(async () => {
  await h?.close();
});

describe("processTick", () => {
  it("writes a due dose and hands it to the outbox once, however often it runs", async () => {
    const { patientId, accountId } = await patientWithAccount(h.db);
    const { doctor } = await h.newDoctor();
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    await h.services.reminders.createSchedule(doctor, patientId, { medicine: "Amlodipine", dose: "5 mg", timesOfDay: ["08:00"], startDate: tomorrow, endDate: tomorrow, timezone: "UTC" });
    const at = new Date(`${tomorrow}T08:00:30Z`);

    const first = await processTick(h.services.reminders, at);
    expect(first.materialized).toBeGreaterThanOrEqual(1);
    expect(first.sent).toBeGreaterThanOrEqual(1);
    await processTick(h.services.reminders, at);

    const doses = await h.db.reminderOccurrence.findMany({ where: { patientId } });
    expect(doses).toEqual([expect.objectContaining({ kind: "medication", status: "sent", sentAt: at })]);
    const messages = await h.db.outboxMessage.findMany({ where: { accountId } });
    expect(messages).toHaveLength(1);
    expect(messages[0]!.id).toBe(doses[0]!.outboxId);
  });
});

describe("processPrescribed", () => {
  it("is not retried for a protocol that does not exist (the error policy)", async () => {
    const job = { data: { protocolId: randomUUID() } };
    await expect(jobErrorPolicy(() => processPrescribed(job, { reminders: h.services.reminders, protocols: h.services.protocols }))).rejects.toBeInstanceOf(UnrecoverableError);
  });
});
