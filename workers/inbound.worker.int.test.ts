import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../test/helpers/harness";
import { telegramUpdates } from "../test/helpers/telegram-stand-in";
import { processInbound, type InboundDeps } from "./inbound.worker";

let h: Harness;
let deps: InboundDeps;
beforeAll(async () => {
  h = await startHarness({ INBOUND_ATTEMPTS: "2" }, { workers: false });
  deps = h.services.inboundDeps;
});
afterAll(async () => {
  await h?.close();
});

type User = { id: number; languageCode?: string };
const eventIdOf = (update: { update_id: number }) => `telegram-${h.telegram.token.split(":")[0]}-${update.update_id}`;
/** Stores the update at the edge and returns the job its worker would run (no worker takes it here). */
async function stored(user: User, update: { update_id: number }) {
  expect((await h.postUpdate(update)).statusCode).toBe(200);
  return job(eventIdOf(update), `telegram:${user.id}`);
}
const run = async (user: User, update: { update_id: number }, with_ = deps) => processInbound(await stored(user, update), undefined, with_);
async function consented(user: User) {
  await run(user, telegramUpdates.text(h.nextUpdateId(), user, "/start"));
  await run(user, telegramUpdates.button(h.nextUpdateId(), user, "consent:personal_data:yes"));
  await run(user, telegramUpdates.button(h.nextUpdateId(), user, "consent:remote_care:yes"));
}
const complaintOf = async (user: User) =>
  (await h.db.intake.findMany({ where: { patient: { accounts: { some: { channel: "telegram", externalUserId: String(user.id) } } } }, select: { complaint: true } })).map((i) => i.complaint);
const repliesTo = async (user: User) =>
  (await h.db.outboxMessage.findMany({ where: { account: { channel: "telegram", externalUserId: String(user.id) } }, orderBy: { createdAt: "asc" }, select: { payload: true } })).map(
    (row) => (row.payload as { text?: string }).text,
  );

const job = (eventId: string, chatKey: string) => ({ data: { eventId, chatKey }, moveToDelayed: async () => undefined });
const row = (id: string) => h.db.inboundEvent.findUniqueOrThrow({ where: { id }, select: { status: true, attempts: true, lastError: true } });

describe("processInbound", () => {
  it("handles a stored pending event once and marks it processed; run again, it does nothing", async () => {
    const patient = h.newPatient("en");
    const update = telegramUpdates.text(h.nextUpdateId(), patient, "/start");
    // The edge stores the event (no worker takes its job here).
    expect((await h.postUpdate(update)).statusCode).toBe(200);
    const id = `telegram-${h.telegram.token.split(":")[0]}-${update.update_id}`;
    const chatKey = `telegram:${patient.id}`;
    expect((await row(id)).status).toBe("pending");

    await processInbound(job(id, chatKey), undefined, deps);
    expect((await row(id)).status).toBe("processed");
    // Its replies went to the outbox with the processed mark (no outbox worker sends them here).
    const replies = () => h.db.outboxMessage.count({ where: { account: { channel: "telegram", externalUserId: String(patient.id) } } });
    const answered = await replies();
    expect(answered).toBeGreaterThan(0);

    await processInbound(job(id, chatKey), undefined, deps);
    expect(await replies()).toBe(answered);
  });

  it("keeps a malformed event as a dead letter at once, never retried", async () => {
    const id = `vk-${h.vk.groupId}-${randomUUID()}`;
    const chatKey = `vk:${randomUUID()}`;
    // Stored by an older version, say, in a shape this one cannot read.
    await h.db.inboundEvent.create({ data: { id, channel: "vk", chatKey, payload: { type: "message_new" }, source: h.services.config.REDIS_PREFIX } });
    await processInbound(job(id, chatKey), undefined, deps);
    const dead = await row(id);
    expect(dead.status).toBe("dead");
    expect(dead.lastError).toMatch(/^malformed/);
  });

  it("retries an event whose handling fails and makes it dead after its attempts", async () => {
    const patient = h.newPatient("en");
    const update = telegramUpdates.text(h.nextUpdateId(), patient, "/start");
    expect((await h.postUpdate(update)).statusCode).toBe(200);
    const id = `telegram-${h.telegram.token.split(":")[0]}-${update.update_id}`;
    const chatKey = `telegram:${patient.id}`;
    const failing: InboundDeps = { ...deps, handle: async () => Promise.reject(new Error("database went away")) };

    await expect(processInbound(job(id, chatKey), undefined, failing)).rejects.toThrow("database went away");
    expect(await row(id)).toMatchObject({ status: "pending", attempts: 1, lastError: "database went away" });
    // The second of INBOUND_ATTEMPTS=2: kept as a dead letter, the job ends without an error.
    await processInbound(job(id, chatKey), undefined, failing);
    expect(await row(id)).toMatchObject({ status: "dead", attempts: 2 });
  });

  it("rolls back everything a failed step wrote, so its retry keeps the complaint once and answers once", async () => {
    const user = h.newPatient("en");
    await consented(user);
    const before = (await repliesTo(user)).length;
    const complaint = telegramUpdates.text(h.nextUpdateId(), user, "Sharp pain in the lower back since yesterday");
    // The connection drops as the step ends: the intake and its question were already written in the step's transaction.
    const dropping: InboundDeps = {
      ...deps,
      replies: { ...deps.replies, write: async (...args) => (await deps.replies.write(...args), Promise.reject(new Error("Connection terminated unexpectedly"))) },
    };
    await expect(run(user, complaint, dropping)).rejects.toThrow("Connection terminated");
    expect(await complaintOf(user)).toEqual([]);
    expect(await repliesTo(user)).toHaveLength(before);

    await processInbound(job(eventIdOf(complaint), `telegram:${user.id}`), undefined, deps);
    expect(await complaintOf(user)).toEqual(["Sharp pain in the lower back since yesterday"]);
    expect((await repliesTo(user)).slice(before)).toEqual(["What is it about? Choose the closest area:"]);
  });

  it("lets one of two workers running the same event (its claim ran out) change the patient's state", async () => {
    const user = h.newPatient("en");
    await consented(user);
    const before = (await repliesTo(user)).length;
    const queued = await stored(user, telegramUpdates.text(h.nextUpdateId(), user, "Headache for three days"));
    // A claim that has run out as soon as it is taken, and both runs inside their steps before either writes.
    let inside = 0;
    const together: InboundDeps = {
      ...deps,
      claimMs: -1000,
      handle: async (event, commit) => {
        inside++;
        await expect.poll(() => inside, { timeout: 5_000, interval: 5 }).toBe(2);
        return deps.handle(event, commit);
      },
    };
    await Promise.allSettled([processInbound(queued, undefined, together), processInbound(queued, undefined, together)]);
    // Whichever lost either saw the event processed or failed on the winner's rows; a last run finds nothing to do.
    await processInbound(queued, undefined, deps);
    expect((await row(queued.data.eventId)).status).toBe("processed");
    expect(await complaintOf(user)).toEqual(["Headache for three days"]);
    expect((await repliesTo(user)).slice(before)).toEqual(["What is it about? Choose the closest area:"]);
  });

  it("runs other chats' waiting events in its own transaction, and one that fails there costs the others nothing", async () => {
    let [transactions, accountReads, endWrites, claims] = [0, 0, 0, 0];
    const outcomes: string[] = [];
    const store = Object.assign(Object.create(deps.store) as InboundDeps["store"], {
      claimNext: (...args: Parameters<InboundDeps["store"]["claimNext"]>) => (claims++, deps.store.claimNext(...args)),
    });
    const counted = (handle: InboundDeps["handle"]): InboundDeps => ({
      ...deps,
      handle,
      store,
      transaction: (work) => (transactions++, deps.transaction(work)),
      accounts: (senders) => (accountReads++, deps.accounts(senders)),
      replies: { write: (steps) => (endWrites++, deps.replies.write(steps)) },
      counted: (event, outcome) => void outcomes.push(`${event.sender.externalUserId} ${outcome}`),
    });
    const [a, b, c] = [h.newPatient("en"), h.newPatient("en"), h.newPatient("en")];
    const queued = await Promise.all([a, b, c].map((user) => stored(user, telegramUpdates.text(h.nextUpdateId(), user, "/start"))));

    // All three in one transaction, their accounts read in one statement and their ends written in one: a's job
    // answers b and c too; b's own job then ends without a claim (settled here).
    await processInbound(queued[0]!, undefined, counted(deps.handle));
    await processInbound(queued[1]!, undefined, counted(deps.handle));
    expect({ transactions, accountReads, endWrites, claims }).toEqual({ transactions: 1, accountReads: 1, endWrites: 1, claims: 1 });
    for (const { data } of queued) expect((await row(data.eventId)).status).toBe("processed");
    const consentAsked = await repliesTo(a);
    expect(consentAsked.length).toBeGreaterThan(0);
    for (const user of [b, c]) expect(await repliesTo(user)).toEqual(consentAsked);

    // Again with f's step failing: the batch rolls back, then each runs alone; f's row keeps the error for its own job.
    const [d, e, f] = [h.newPatient("en"), h.newPatient("en"), h.newPatient("en")];
    const next = await Promise.all([d, e, f].map((user) => stored(user, telegramUpdates.text(h.nextUpdateId(), user, "/start"))));
    const fFails = counted((event, commit) => (event.sender.externalUserId === String(f.id) ? Promise.reject(new Error("f's step failed")) : deps.handle(event, commit)));
    transactions = 0;
    outcomes.length = 0;
    await processInbound(next[0]!, undefined, fFails);
    expect(transactions).toBe(4);
    // Counted once each for /metrics: the rolled-back batch counts for none of them.
    expect(outcomes.sort()).toEqual([`${d.id} handled`, `${e.id} handled`, `${f.id} failed`].sort());
    for (const user of [d, e]) expect(await repliesTo(user)).toEqual(consentAsked);
    expect(await repliesTo(f)).toEqual([]);
    const failed = await h.db.inboundEvent.findUniqueOrThrow({ where: { id: next[2]!.data.eventId }, select: { status: true, attempts: true, lastError: true, claimedUntil: true } });
    expect(failed).toEqual({ status: "pending", attempts: 1, lastError: "f's step failed", claimedUntil: null });
    await processInbound(next[2]!, undefined, deps);
    expect(await repliesTo(f)).toEqual(consentAsked);
  });
});
