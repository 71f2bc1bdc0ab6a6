import { DelayedError, type Job } from "bullmq";
import { randomInt } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PatientRepository } from "../core/patients/patient-repository";
import { processSend } from "../workers/outbox.worker";
import { startHarness, type Harness } from "./helpers/harness";

// No workers here: the test plays two of them itself.
let h: Harness;
beforeAll(async () => {
  h = await startHarness({}, { workers: false });
});
afterAll(async () => {
  await h?.close();
});

/** What BullMQ hands a worker: the job's data and the call that puts it back to wait (recorded here). */
const jobFor = (outboxId: string, delays: number[]) =>
  ({ data: { outboxId }, attemptsMade: 0, opts: { attempts: 3 }, moveToDelayed: async (until: number) => void delays.push(until) }) as unknown as Job;

describe("an outbox row handed to two workers at once", () => {
  it("is sent once: the second worker finds it claimed and waits, then finds it sent", async () => {
    const chatId = randomInt(10_000_000, 2 ** 40);
    const patient = await h.db.patient.create({ data: {} });
    const account = await h.db.messengerAccount.create({
      data: { channel: "telegram", externalUserId: String(chatId), chatId: String(chatId), patientId: patient.id },
    });
    await h.services.outbox.send(account.id, { text: "Время принять лозартан 50 мг" });
    const row = await h.db.outboxMessage.findFirstOrThrow({ where: { accountId: account.id } });
    const deps = {
      outbox: h.services.outbox,
      patients: new PatientRepository(h.db),
      channels: { telegram: h.services.telegram!.channel },
      logger: h.services.logger,
      claimMs: 60_000,
    };
    const delays: number[] = [];

    // The first worker's send is in flight when its lock lapses and BullMQ gives the job to a second worker.
    h.telegram.hold();
    const first = processSend(jobFor(row.id, delays), "first", deps);
    await h.telegram.waitFor(() => h.telegram.heldCount >= 1, 5_000);
    await expect(processSend(jobFor(row.id, delays), "second", deps)).rejects.toBeInstanceOf(DelayedError);
    expect(delays).toHaveLength(1);
    // It looks again in a moment (the first attempt may fail and let go), not at once.
    expect(delays[0]! - Date.now()).toBeGreaterThan(1_000);
    // Still claimed on its next look: it waits again and sends nothing.
    await expect(processSend(jobFor(row.id, delays), "second", deps)).rejects.toBeInstanceOf(DelayedError);
    expect(delays).toHaveLength(2);
    h.telegram.release();
    await first;

    // When the second one's turn comes again, the row is sent and it does nothing.
    await processSend(jobFor(row.id, delays), "second", deps);
    expect(h.telegram.sent(chatId).map((call) => call.params.text)).toEqual(["Время принять лозартан 50 мг"]);
    expect(await h.db.outboxMessage.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: "sent", attempts: 1 });
  });
});
