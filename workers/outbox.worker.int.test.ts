import { DelayedError, type Job } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../test/helpers/harness";
import { Outbox } from "../core/outbox/outbox";
import { OutboxRepository } from "../core/outbox/outbox-repository";
import { SendRateLimiter } from "../core/outbox/send-rate-limiter";
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
  const textsTo = async (accountId: string) => {
    const chatId = (await h.db.messengerAccount.findUniqueOrThrow({ where: { id: accountId } })).chatId;
    return h.telegram.delivered.filter((m) => m.chatId === chatId).map((m) => m.text);
  };
  const statuses = async (accountId: string) =>
    (await h.db.outboxMessage.findMany({ where: { accountId }, orderBy: { createdAt: "asc" }, select: { status: true } })).map((row) => row.status);

  it("go out through the first one's job, in order, when the chat needs no gap between them", async () => {
    const { accountId } = await patientWithAccount(h.db);
    const [first, second] = [await h.services.outbox.write(h.db, accountId, { text: "first" }), await h.services.outbox.write(h.db, accountId, { text: "second" })];
    await h.services.outbox.write(h.db, accountId, { text: "third" });
    // The second's job (a row written on its own has one) ran first: it finds the first still pending and waits.
    let waitedMs = 0;
    const early = { ...jobFor(second), moveToDelayed: async (until: number) => void (waitedMs = until - Date.now()) } as unknown as Job;
    await expect(processSend(early, undefined, deps)).rejects.toBeInstanceOf(DelayedError);
    expect(waitedMs).toBeGreaterThan(200);

    // The first's job sends all three; the second's, when its turn comes, finds nothing left.
    await processSend(jobFor(first), undefined, deps);
    expect(await textsTo(accountId)).toEqual(["first", "second", "third"]);
    expect(await statuses(accountId)).toEqual(["sent", "sent", "sent"]);
    await processSend(jobFor(second), undefined, deps);
    expect(await textsTo(accountId)).toEqual(["first", "second", "third"]);
  });

  it("go on from a job whose own row was already sent (its worker died between two sends)", async () => {
    const { accountId } = await patientWithAccount(h.db);
    const first = await h.services.outbox.write(h.db, accountId, { text: "first" });
    await h.services.outbox.write(h.db, accountId, { text: "second" });
    await h.db.outboxMessage.update({ where: { id: first }, data: { status: "sent" } });
    await processSend(jobFor(first), undefined, deps);
    expect(await textsTo(accountId)).toEqual(["second"]);
  });

  it("get a job of their own, the chat's gap later, where the messenger needs one (Telegram)", async () => {
    const { accountId } = await patientWithAccount(h.db);
    const first = await h.services.outbox.write(h.db, accountId, { text: "first" });
    const second = await h.services.outbox.write(h.db, accountId, { text: "second" });
    const followed: Array<[string, number]> = [];
    const limiter = new SendRateLimiter(h.services.redis, `${h.services.config.REDIS_PREFIX}-gap`, { telegram: { perSecond: 30, chatIntervalMs: 1100 } });
    await processSend(jobFor(first), undefined, { ...deps, limiter, follow: async (id, ms) => void followed.push([id, ms]) });
    expect(await textsTo(accountId)).toEqual(["first"]);
    expect(followed).toEqual([[second, 1100]]);
    expect(await statuses(accountId)).toEqual(["sent", "pending"]);
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
    expect(await h.services.outbox.take(second!, new Date(), 1000)).toMatchObject({ kind: "taken", delivery: { earlierPending: 1 } });
  });
});

describe("sends recorded at the same moment", () => {
  /** An outbox whose statements are counted. */
  const counted = () => {
    const statements: string[] = [];
    const db = h.db.$extends({ query: { $allOperations: ({ operation, args, query }) => (statements.push(operation), query(args)) } });
    return { statements, outbox: new Outbox(new OutboxRepository(db as typeof h.db), { enqueue: async () => undefined }) };
  };
  const rows = async (accountId: string, ...texts: string[]) => {
    const ids: string[] = [];
    for (const text of texts) ids.push(await h.services.outbox.write(h.db, accountId, { text }));
    return ids;
  };

  it("share one statement, each taking its own chat's next row (claimed when asked)", async () => {
    const chats = await Promise.all([0, 1, 2].map(async () => rows((await patientWithAccount(h.db)).accountId, "first", "second")));
    const { statements, outbox } = counted();
    const at = new Date();
    // The third chat needs a gap before its next message: its next row is read, not claimed.
    const next = await Promise.all(chats.map(([first], i) => outbox.markSent(first!, `tg-${i}`, at, i < 2 ? 60_000 : undefined)));
    expect(statements).toEqual(["$queryRaw"]);
    const until = new Date(at.getTime() + 60_000);
    expect(next.map((taken) => [taken?.delivery.id, taken?.claimedUntil])).toEqual(chats.map(([, second], i) => [second, i < 2 ? until : undefined]));
    const stored = await h.db.outboxMessage.findMany({
      where: { id: { in: chats.flat() } },
      select: { id: true, status: true, externalMessageId: true, claimedUntil: true },
    });
    const row = (id: string) => stored.find((r) => r.id === id);
    expect(chats.map(([first, second]) => [row(first!), row(second!)])).toEqual(
      chats.map(([first, second], i) => [
        { id: first, status: "sent", externalMessageId: `tg-${i}`, claimedUntil: null },
        { id: second, status: "pending", externalMessageId: null, claimedUntil: i < 2 ? until : null },
      ]),
    );
  });

  it("of one chat hand its next row to one of them only, and never one of their own", async () => {
    const { accountId } = await patientWithAccount(h.db);
    const [first, second, third] = await rows(accountId, "first", "second", "third");
    const { statements, outbox } = counted();
    const next = await Promise.all([outbox.markSent(first!, "tg-1", new Date(), 60_000), outbox.markSent(second!, "tg-2", new Date(), 60_000)]);
    expect(statements).toEqual(["$queryRaw"]);
    expect(next.filter(Boolean).map((taken) => [taken!.delivery.id, taken!.claimedUntil instanceof Date])).toEqual([[third, true]]);
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
