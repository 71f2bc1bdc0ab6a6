import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { compose } from "../bin/compose";
import { loadConfig } from "../core/config";
import { totpCode } from "../core/staff/totp";
import { createStaff, staffPassword, type StaffLogin } from "./helpers/browser";
import { freePort } from "./helpers/free-port";
import { startHarness, WEBHOOK_SECRET, type Harness } from "./helpers/harness";
import { telegramUpdates } from "./helpers/telegram-stand-in";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ INBOUND_ATTEMPTS: "2" });
});
afterAll(async () => {
  await h?.close();
});

const texts = (chatId: number) => h.telegram.sent(chatId).map((call) => String(call.params.text));

async function cookieOf(staff: StaffLogin): Promise<string> {
  const response = await h.app.inject({ method: "POST", url: "/api/v1/auth/login", payload: { email: staff.email, password: staffPassword, code: totpCode(staff.secret) } });
  return String(response.headers["set-cookie"]).split(";")[0]!;
}

describe("poison updates", () => {
  it("acknowledges a null body and fields of the wrong type with 200, once each in the dead letters, for admins only", async () => {
    const patient = h.newPatient("ru");
    const wrongTypes = { update_id: h.nextUpdateId(), message: { message_id: "one", chat: { id: patient.id }, from: { id: patient.id }, text: 42 } };
    for (const body of ["null", JSON.stringify(wrongTypes), JSON.stringify(wrongTypes)]) {
      const response = await h.app.inject({
        method: "POST",
        url: "/webhooks/telegram",
        headers: { "x-telegram-bot-api-secret-token": WEBHOOK_SECRET, "content-type": "application/json" },
        payload: body,
      });
      expect(response.statusCode).toBe(200);
    }
    // The run's database is shared (other tests keep dead letters too): this test's rows are found by their content.
    const nullError = "body: Invalid input: expected object, received null";
    const wrong = await h.db.inboundEvent.findMany({ where: { channel: "telegram", status: "dead", payload: { path: ["update_id"], equals: wrongTypes.update_id } } });
    expect(wrong.map((d) => d.lastError)).toEqual(["message.message_id: Invalid input: expected number, received string"]);
    const dead = [...wrong, await h.db.inboundEvent.findFirstOrThrow({ where: { channel: "telegram", status: "dead", lastError: nullError } })];

    const admin = await createStaff(h, "inbound-admin", "admin");
    const operator = await createStaff(h, "inbound-operator", "operator");
    const list = (cookie?: string) =>
      h.app.inject({ method: "GET", url: "/api/v1/inbound/dead-letters", headers: cookie ? { cookie, "x-requested-with": "telecons-console" } : {} });
    const answer = await list(await cookieOf(admin));
    expect(answer.statusCode).toBe(200);
    expect(answer.json().deadLetters.map((d: { id: string }) => d.id)).toEqual(expect.arrayContaining(dead.map((d) => d.id)));
    expect(JSON.stringify(answer.json())).not.toContain(String(patient.id));
    expect((await list(await cookieOf(operator))).statusCode).toBe(403);
    expect((await list()).statusCode).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.telegram.sent(patient.id)).toEqual([]);
  });

  it("stops trying a stored event after INBOUND_ATTEMPTS and keeps it as a dead letter", async () => {
    const id = `vk-${h.vk.groupId}-${randomUUID()}`;
    const chatKey = `vk:${randomUUID()}`;
    // Stored by an older version, say, in a shape this one cannot read.
    await h.db.inboundEvent.create({ data: { id, channel: "vk", chatKey, payload: { type: "message_new" }, source: h.services.config.REDIS_PREFIX } });
    h.services.inboundBell.ring();
    expect(await h.settled(id)).toBe("dead");
    expect((await h.db.inboundEvent.findUniqueOrThrow({ where: { id } })).lastError).toMatch(/^malformed/);
  });
});

describe("one path for every update", () => {
  it("answers at once and runs one chat's updates in the order they came", async () => {
    const patient = h.newPatient("en");
    const updates = [
      telegramUpdates.text(h.nextUpdateId(), patient, "/start"),
      telegramUpdates.button(h.nextUpdateId(), patient, "consent:personal_data:yes"),
      telegramUpdates.button(h.nextUpdateId(), patient, "consent:remote_care:yes"),
    ];
    for (const update of updates) expect((await h.postUpdate(update)).statusCode).toBe(200);
    await h.telegram.waitFor(() => texts(patient.id).some((text) => text.startsWith("Please describe")));
    const sent = texts(patient.id);
    expect(sent[0]).toMatch(/^Hello/);
    expect(sent.at(-1)).toMatch(/^Please describe/);
    const rows = await h.db.inboundEvent.findMany({ where: { chatKey: `telegram:${patient.id}` }, orderBy: { seq: "asc" } });
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([["processed", 1], ["processed", 1], ["processed", 1]]);
  });

  it("answers an update whose wake-up was lost (Redis away) at the inbound worker's next poll", async () => {
    const patient = h.newPatient("en");
    const update = telegramUpdates.text(h.nextUpdateId(), patient, "/start");
    const id = `telegram-${h.telegram.token.split(":")[0]}-${update.update_id}`;
    // Stored as the edge stores it, but nobody rings: the worker has to find it by itself.
    const storedAt = Date.now();
    expect(await h.services.inboundDeps.store.accept("telegram", { id, chatKey: `telegram:${patient.id}` }, update)).toBe(true);
    expect(await h.settled(id)).toBe("processed");
    expect(Date.now() - storedAt).toBeLessThan(2_500);
    await h.telegram.waitFor(() => texts(patient.id).some((text) => text.startsWith("Hello")));
  });

  it("stores concurrent deliveries of one update once, in one insert with other chats' updates, and answers it once", async () => {
    const patient = h.newPatient("en");
    const others = [h.newPatient("en"), h.newPatient("en")];
    const start = telegramUpdates.text(h.nextUpdateId(), patient, "/start");
    const otherStarts = others.map((other) => telegramUpdates.text(h.nextUpdateId(), other, "/start"));
    // Posted in one turn of the event loop: the edge writes them with one INSERT (core/group-commit.ts).
    const responses = await Promise.all([start, ...otherStarts, start, start].map((update) => h.postUpdate(update)));
    expect(responses.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200]);
    const ids = [start, ...otherStarts].map((update) => `telegram-${h.telegram.token.split(":")[0]}-${update.update_id}`);
    // One statement, one transaction: the rows share the id of the transaction that wrote them.
    const writers = await h.db.$queryRaw<Array<{ xmin: string }>>`SELECT xmin::text FROM "InboundEvent" WHERE id = ANY(${ids})`;
    expect(writers).toHaveLength(3);
    expect(new Set(writers.map((w) => w.xmin)).size).toBe(1);
    expect(await h.settled(ids[0]!)).toBe("processed");
    for (const other of others) await h.telegram.waitFor(() => texts(other.id).some((text) => text.startsWith("Hello")));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await h.db.inboundEvent.count({ where: { chatKey: `telegram:${patient.id}` } })).toBe(1);
    expect(texts(patient.id).filter((text) => text.startsWith("Hello"))).toHaveLength(1);
  });

  it("answers 503 when Postgres cannot take the update, so Telegram delivers it again", async () => {
    const services = compose(
      loadConfig({
        DATABASE_URL: `postgresql://postgres@127.0.0.1:${await freePort()}/telecons`,
        REDIS_PREFIX: `${inject("redisPrefix")}-${randomUUID().slice(0, 8)}`,
        LOG_LEVEL: "silent",
        TELEGRAM_BOT_TOKEN: h.telegram.token,
        TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
        TELEGRAM_API_ROOT: h.telegram.apiRoot,
      }),
    );
    const app = await services.startApi();
    try {
      const patient = h.newPatient("en");
      const response = await app.inject({
        method: "POST",
        url: "/webhooks/telegram",
        headers: { "x-telegram-bot-api-secret-token": WEBHOOK_SECRET },
        payload: telegramUpdates.text(h.nextUpdateId(), patient, "/start"),
      });
      expect(response.statusCode).toBe(503);
      // The queues ask Redis for its version as they start: answered before closing, or BullMQ's own promise fails unheard.
      await services.redis.ping();
    } finally {
      await services.close();
    }
  });
});
