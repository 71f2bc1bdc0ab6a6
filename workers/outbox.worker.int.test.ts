import { DelayedError, type Job } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../test/helpers/harness";
import { processSend, processSweep, type OutboxWorkerDeps } from "./outbox.worker";
import { patientWithAccount } from "../test/helpers/patient-with-account";

let h: Harness;
let deps: OutboxWorkerDeps;
beforeAll(async () => {
  h = await startHarness({}, { workers: false });
  const s = h.services;
  deps = { outbox: s.outbox, patients: s.patients, channels: { telegram: s.telegram!.channel }, logger: s.logger, claimMs: 60_000 };
});
afterAll(async () => {
  await h?.close();
});

const jobFor = (outboxId: string) => ({ data: { outboxId }, attemptsMade: 0, opts: { attempts: 3 } }) as unknown as Job;

describe("processSend", () => {
  it("delivers a pending row once and records it sent; a second run of the job sends nothing", async () => {
    const { accountId } = await patientWithAccount(h.db);
    const outboxId = await h.services.outbox.write(h.db, accountId, { text: "Время принять лозартан 50 мг" });
    await processSend(jobFor(outboxId), undefined, deps);
    await processSend(jobFor(outboxId), undefined, deps);
    const row = await h.db.outboxMessage.findUniqueOrThrow({ where: { id: outboxId } });
    expect(row.status).toBe("sent");
    const chatId = (await h.db.messengerAccount.findUniqueOrThrow({ where: { id: accountId } })).chatId;
    expect(h.telegram.delivered.filter((m) => m.chatId === chatId).map((m) => m.text)).toEqual(["Время принять лозартан 50 мг"]);
  });
});

describe("a chat's messages in order", () => {
  it("a message that waits for an earlier one is woken when that one is sent (a chat needing no gap between messages)", async () => {
    const { accountId } = await patientWithAccount(h.db);
    const first = await h.services.outbox.write(h.db, accountId, { text: "first" });
    const second = await h.services.outbox.write(h.db, accountId, { text: "second" });
    const queue = h.services.queues.open(h.services.outboxJobs);
    // The second's job ran first: it finds the first still pending and waits (a delayed job, as BullMQ keeps it).
    let waitedMs = 0;
    const early = { ...jobFor(second), moveToDelayed: async (until: number) => void (waitedMs = until - Date.now()) } as unknown as Job;
    await expect(processSend(early, undefined, deps)).rejects.toBeInstanceOf(DelayedError);
    expect(waitedMs).toBeGreaterThan(200);
    await queue.add("send", { outboxId: second }, { jobId: `out-${second}`, delay: 60_000 });

    // Sending the first wakes the second's job at once instead of at its next look.
    await h.services.outboxJobs.process(jobFor(first), deps, undefined, queue);
    expect(await (await queue.getJob(`out-${second}`))!.getState()).toBe("waiting");
    const rows = await h.db.outboxMessage.findMany({ where: { accountId }, orderBy: { createdAt: "asc" }, select: { status: true } });
    expect(rows.map((row) => row.status)).toEqual(["sent", "pending"]);
  });
});

describe("a chat's messages written together", () => {
  it("are dated apart even in one transaction, so the later waits for the earlier", async () => {
    const { accountId } = await patientWithAccount(h.db);
    const [first, second] = await h.db.$transaction(async (tx) => [
      await h.services.outbox.write(tx, accountId, { text: "first" }),
      await h.services.outbox.write(tx, accountId, { text: "second" }),
    ]);
    const rows = await h.db.outboxMessage.findMany({ where: { id: { in: [first!, second!] } }, select: { id: true, createdAt: true } });
    const at = (id: string) => rows.find((row) => row.id === id)!.createdAt.getTime();
    expect(at(second!)).toBeGreaterThan(at(first!));
    expect((await h.services.outbox.take(second!, new Date(), 1000))?.delivery.earlierPending).toBe(1);
  });
});

describe("processSweep", () => {
  it("queues again a row left pending longer than a sweep (its job was lost)", async () => {
    const { accountId } = await patientWithAccount(h.db);
    const settings = { attempts: 3, sweepMs: 60_000 };
    const outboxId = await h.services.outbox.write(h.db, accountId, { text: "lost" });
    await h.db.outboxMessage.update({ where: { id: outboxId }, data: { createdAt: new Date(Date.now() - 10 * 60_000) } });
    const queue = h.services.queues.open(h.services.outboxJobs);
    expect(await processSweep(queue, h.services.outbox, settings)).toBeGreaterThanOrEqual(1);
    expect((await queue.getJob(`out-${outboxId}`))?.data).toEqual(expect.objectContaining({ outboxId }));
  });
});
