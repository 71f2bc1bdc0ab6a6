import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../test/helpers/harness";
import { telegramUpdates } from "../test/helpers/telegram-stand-in";
import { InboundPump, runWaiting, type InboundDeps } from "./inbound.worker";

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
/** Stores the update at the edge (no worker takes it here) and returns its event id. */
async function stored(update: { update_id: number }) {
  expect((await h.postUpdate(update)).statusCode).toBe(200);
  return eventIdOf(update);
}
/** Stores the update and runs what waits, as one pass of the inbound worker would. */
const run = async (update: { update_id: number }, with_ = deps) => (await stored(update), runWaiting(with_));
async function consented(user: User) {
  await run(telegramUpdates.text(h.nextUpdateId(), user, "/start"));
  await run(telegramUpdates.button(h.nextUpdateId(), user, "consent:personal_data:yes"));
  await run(telegramUpdates.button(h.nextUpdateId(), user, "consent:remote_care:yes"));
}
const complaintOf = async (user: User) =>
  (await h.db.intake.findMany({ where: { patient: { accounts: { some: { channel: "telegram", externalUserId: String(user.id) } } } }, select: { complaint: true } })).map((i) => i.complaint);
const repliesTo = async (user: User) =>
  (await h.db.outboxMessage.findMany({ where: { account: { channel: "telegram", externalUserId: String(user.id) } }, orderBy: { createdAt: "asc" }, select: { payload: true } })).map(
    (row) => (row.payload as { text?: string }).text,
  );

const row = (id: string) => h.db.inboundEvent.findUniqueOrThrow({ where: { id }, select: { status: true, attempts: true, lastError: true } });

describe("the inbound worker", () => {
  it("handles a stored pending event once and marks it processed; run again, it does nothing", async () => {
    const patient = h.newPatient("en");
    const id = await stored(telegramUpdates.text(h.nextUpdateId(), patient, "/start"));
    expect((await row(id)).status).toBe("pending");

    expect(await runWaiting(deps)).toBe(1);
    expect((await row(id)).status).toBe("processed");
    // Its replies went to the outbox with the processed mark (no outbox worker sends them here).
    const replies = () => h.db.outboxMessage.count({ where: { account: { channel: "telegram", externalUserId: String(patient.id) } } });
    const answered = await replies();
    expect(answered).toBeGreaterThan(0);

    expect(await runWaiting(deps)).toBe(0);
    expect(await replies()).toBe(answered);
  });

  it("runs what was stored as soon as it is woken, not at its next poll, and stops after its batch", async () => {
    const pump = new InboundPump(deps);
    pump.start(1);
    try {
      // Idle by now: its next look on its own is a second after it started.
      await new Promise((resolve) => setTimeout(resolve, 150));
      const id = await stored(telegramUpdates.text(h.nextUpdateId(), h.newPatient("en"), "/start"));
      pump.wake();
      await expect.poll(async () => (await row(id)).status, { timeout: 500, interval: 10 }).toBe("processed");
    } finally {
      await pump.stop();
    }
  });

  it("keeps a malformed event as a dead letter at once, never retried", async () => {
    const id = `vk-${h.vk.groupId}-${randomUUID()}`;
    const chatKey = `vk:${randomUUID()}`;
    // Stored by an older version, say, in a shape this one cannot read.
    await h.db.inboundEvent.create({ data: { id, channel: "vk", chatKey, payload: { type: "message_new" }, source: h.services.config.REDIS_PREFIX } });
    expect(await runWaiting(deps)).toBe(1);
    const dead = await row(id);
    expect(dead.status).toBe("dead");
    expect(dead.lastError).toMatch(/^malformed/);
  });

  it("retries an event whose handling fails after a growing wait, its chat held meanwhile, and makes it dead after its attempts", async () => {
    const patient = h.newPatient("en");
    const id = await stored(telegramUpdates.text(h.nextUpdateId(), patient, "/start"));
    const later = await stored(telegramUpdates.text(h.nextUpdateId(), patient, "Headache"));
    const failing: InboundDeps = { ...deps, backoffMs: 300, handle: async () => Promise.reject(new Error("database went away")) };

    expect(await runWaiting(failing)).toBe(1);
    expect(await row(id)).toMatchObject({ status: "pending", attempts: 1, lastError: "database went away" });
    // Its wait: neither it nor the chat's later event is taken before it ends.
    expect(await runWaiting(failing)).toBe(0);
    expect((await row(later)).status).toBe("pending");
    // The second of INBOUND_ATTEMPTS=2: kept as a dead letter; the chat goes on with its next event.
    await expect.poll(() => runWaiting(failing), { timeout: 5_000, interval: 50 }).toBe(1);
    expect(await row(id)).toMatchObject({ status: "dead", attempts: 2 });
    expect(await runWaiting(deps)).toBe(1);
    expect((await row(later)).status).toBe("processed");
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
    await run(complaint, { ...dropping, backoffMs: 0 });
    expect(await row(eventIdOf(complaint))).toMatchObject({ status: "pending", lastError: "Connection terminated unexpectedly" });
    expect(await complaintOf(user)).toEqual([]);
    expect(await repliesTo(user)).toHaveLength(before);

    expect(await runWaiting(deps)).toBe(1);
    expect(await complaintOf(user)).toEqual(["Sharp pain in the lower back since yesterday"]);
    expect((await repliesTo(user)).slice(before)).toEqual(["What is it about? Choose the closest area:"]);
  });

  it("lets one of two workers running the same event (its claim ran out) change the patient's state", async () => {
    const user = h.newPatient("en");
    await consented(user);
    const before = (await repliesTo(user)).length;
    const queued = await stored(telegramUpdates.text(h.nextUpdateId(), user, "Headache for three days"));
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
    // The second takes it once the first is inside (claiming at the same moment, it would skip the locked row).
    const first = runWaiting(together);
    await expect.poll(() => inside, { timeout: 5_000, interval: 5 }).toBe(1);
    expect(await Promise.all([first, runWaiting(together)])).toEqual([1, 1]);
    // Whichever lost found the event processed or failed on the winner's rows (a processed row keeps no error).
    expect(await runWaiting(deps)).toBe(0);
    expect(await row(queued)).toMatchObject({ status: "processed", lastError: null });
    expect(await complaintOf(user)).toEqual(["Headache for three days"]);
    expect((await repliesTo(user)).slice(before)).toEqual(["What is it about? Choose the closest area:"]);
  });

  it("runs the waiting heads of several chats in one transaction, and one that fails there costs the others nothing", async () => {
    let [transactions, accountReads, endWrites, claims] = [0, 0, 0, 0];
    const outcomes: string[] = [];
    const store = Object.assign(Object.create(deps.store) as InboundDeps["store"], {
      claimHeads: (...args: Parameters<InboundDeps["store"]["claimHeads"]>) => (claims++, deps.store.claimHeads(...args)),
    });
    const counted = (handle: InboundDeps["handle"]): InboundDeps => ({
      ...deps,
      handle,
      store,
      backoffMs: 0,
      transaction: (work) => (transactions++, deps.transaction(work)),
      accounts: (senders) => (accountReads++, deps.accounts(senders)),
      replies: { write: (steps) => (endWrites++, deps.replies.write(steps)) },
      counted: (event, outcome) => void outcomes.push(`${event.sender.externalUserId} ${outcome}`),
    });
    const [a, b, c] = [h.newPatient("en"), h.newPatient("en"), h.newPatient("en")];
    const queued = await Promise.all([a, b, c].map((user) => stored(telegramUpdates.text(h.nextUpdateId(), user, "/start"))));

    // All three in one claim and one transaction, their accounts read in one statement and their ends written in one.
    expect(await runWaiting(counted(deps.handle))).toBe(3);
    expect({ transactions, accountReads, endWrites, claims }).toEqual({ transactions: 1, accountReads: 1, endWrites: 1, claims: 1 });
    for (const id of queued) expect((await row(id)).status).toBe("processed");
    const consentAsked = await repliesTo(a);
    expect(consentAsked.length).toBeGreaterThan(0);
    for (const user of [b, c]) expect(await repliesTo(user)).toEqual(consentAsked);

    // Again with f's step failing: the batch rolls back, then each runs alone; f's row keeps the error for its retry.
    const [d, e, f] = [h.newPatient("en"), h.newPatient("en"), h.newPatient("en")];
    const next = await Promise.all([d, e, f].map((user) => stored(telegramUpdates.text(h.nextUpdateId(), user, "/start"))));
    const fFails = counted((event, commit) => (event.sender.externalUserId === String(f.id) ? Promise.reject(new Error("f's step failed")) : deps.handle(event, commit)));
    transactions = 0;
    outcomes.length = 0;
    expect(await runWaiting(fFails)).toBe(3);
    expect(transactions).toBe(4);
    // Counted once each for /metrics: the rolled-back batch counts for none of them.
    expect(outcomes.sort()).toEqual([`${d.id} handled`, `${e.id} handled`, `${f.id} failed`].sort());
    for (const user of [d, e]) expect(await repliesTo(user)).toEqual(consentAsked);
    expect(await repliesTo(f)).toEqual([]);
    expect(await row(next[2]!)).toEqual({ status: "pending", attempts: 1, lastError: "f's step failed" });
    expect(await runWaiting(deps)).toBe(1);
    expect(await repliesTo(f)).toEqual(consentAsked);
  });
});
