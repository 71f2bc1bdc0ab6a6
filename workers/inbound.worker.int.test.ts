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
});
