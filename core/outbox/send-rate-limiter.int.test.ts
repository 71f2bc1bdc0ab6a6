import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { SendRateLimiter } from "./send-rate-limiter";

const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
afterAll(() => redis.disconnect());
const limiterFor = (perSecond: number, chatIntervalMs = 0) =>
  new SendRateLimiter(redis, `${inject("redisPrefix")}-limiter-${randomUUID().slice(0, 6)}`, { telegram: { perSecond, chatIntervalMs } }, 0);

describe("send rate limiter", () => {
  it("gives exactly perSecond tokens, each back one second after its send's answer", async () => {
    const limiter = limiterFor(30);
    const tickets: string[] = [];
    for (let chat = 0; chat < 30; chat++) {
      const slot = await limiter.trySend("telegram", String(chat));
      expect(slot.kind).toBe("send");
      if (slot.kind === "send") tickets.push(slot.ticket);
    }
    // all 30 in flight: the 31st waits, and only a short poll since no answer has come back yet
    const full = await limiter.trySend("telegram", "31");
    expect(full).toMatchObject({ kind: "channel_busy" });
    expect(full.kind === "channel_busy" && full.waitMs).toBeLessThan(100);
    const answeredAt = Date.now();
    await limiter.sent("telegram", "0", tickets[0]!);
    const afterAnswer = await limiter.trySend("telegram", "31");
    // the answered token comes back a second after the answer, not before
    expect(afterAnswer.kind === "channel_busy" && afterAnswer.waitMs).toBeGreaterThan(900);
    await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() - answeredAt) + 20));
    expect(await limiter.trySend("telegram", "31")).toMatchObject({ kind: "send" });
    expect(await limiter.trySend("telegram", "32")).toMatchObject({ kind: "channel_busy" });
  });

  it("returns an unused token at once and spaces one chat's messages from the last answer", async () => {
    const limiter = limiterFor(1, 500);
    const first = await limiter.trySend("telegram", "a");
    expect(first.kind).toBe("send");
    await limiter.unused("telegram", "a", first.kind === "send" ? first.ticket : "");
    // the bot's token is back, but chat "a" had its slot taken: it waits its interval
    expect(await limiter.trySend("telegram", "a")).toMatchObject({ kind: "chat_busy" });
    const other = await limiter.trySend("telegram", "b");
    expect(other.kind).toBe("send");
    await limiter.sent("telegram", "b", other.kind === "send" ? other.ticket : "");
    const again = await limiter.trySend("telegram", "b");
    expect(again.kind).toBe("chat_busy");
    expect(again.kind === "chat_busy" && again.waitMs).toBeGreaterThan(400);
  });
});
