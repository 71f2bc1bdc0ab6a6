import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, inject, it } from "vitest";
import { redisKeys } from "../redis-keys";
import { InboundBell } from "./inbound-bell";

const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
afterAll(() => redis.disconnect());

describe("the inbound bell", () => {
  it("wakes a listener at once, and the rings made while one is in flight share the next", async () => {
    const prefix = `${inject("redisPrefix")}-bell-${randomUUID().slice(0, 6)}`;
    const errors: unknown[] = [];
    const bell = new InboundBell(redis, prefix, (error) => errors.push(error));
    let heard = 0;
    const stop = bell.listen(() => heard++);
    try {
      const channel = redisKeys(prefix).inboundStored;
      await expect.poll(async () => ((await redis.pubsub("NUMSUB", channel)) as [string, number])[1], { timeout: 5_000 }).toBe(1);
      heard = 0;

      bell.ring();
      await expect.poll(() => heard, { timeout: 2_000, interval: 5 }).toBe(1);
      // Ten events stored while the first PUBLISH is in flight: one more ring covers them all.
      for (let i = 0; i < 10; i++) bell.ring();
      await expect.poll(() => heard, { timeout: 2_000, interval: 5 }).toBe(3);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(heard).toBe(3);
      expect(errors).toEqual([]);
    } finally {
      stop();
    }
  });
});
