import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { CallLinks } from "./call-links";
import { LiveKit, verifyToken } from "./livekit";

const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
const prefix = `${inject("redisPrefix")}-links-${randomUUID().slice(0, 6)}`;
afterAll(() => redis.disconnect());

const link = (identity = "patient-1") => ({ visitId: randomUUID(), role: "patient" as const, identity, name: "p", language: "ru" });

describe("call links", () => {
  it("bind to the first device, refuse any other, and expire", async () => {
    const links = new CallLinks(redis, prefix, 1);
    const token = await links.issue(link());
    await expect(links.open(token, "device-a")).resolves.toMatchObject({ role: "patient" });
    await expect(links.open(token, "device-a")).resolves.toMatchObject({ role: "patient" });
    await expect(links.open(token, "device-b")).rejects.toMatchObject({ code: "forbidden" });
    await new Promise((r) => setTimeout(r, 1100));
    await expect(links.open(token, "device-a")).rejects.toMatchObject({ code: "not_found" });
    await expect(links.open("never-issued-token-000", "device-a")).rejects.toMatchObject({ code: "not_found" });
  });

  it("let exactly one of two devices racing for a fresh link win", async () => {
    const links = new CallLinks(redis, prefix, 60);
    for (let i = 0; i < 20; i++) {
      const token = await links.issue(link(`patient-${i}`));
      const results = await Promise.allSettled([links.open(token, "device-a"), links.open(token, "device-b")]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    }
  });

  it("stops the older link when a newer one is issued for the same person", async () => {
    const links = new CallLinks(redis, prefix, 60);
    const first = link();
    const old = await links.issue(first);
    const fresh = await links.issue(first);
    await expect(links.open(old, "device-a")).rejects.toMatchObject({ code: "not_found" });
    await expect(links.open(fresh, "device-b")).resolves.toMatchObject({ identity: first.identity });
  });
});

describe("LiveKit tokens", () => {
  it("carry one room and one identity and stop verifying once expired", async () => {
    const secret = "token-test-secret-0123456789-abcdefgh";
    const livekit = new LiveKit({ url: "ws://127.0.0.1:7880", apiKey: "k", apiSecret: secret, tokenTtlSeconds: 1 });
    const token = await livekit.issueToken({ room: "visit-x", identity: "doctor-y", name: "Dr", role: "doctor" });
    const claims = await verifyToken(token, "k", secret);
    expect(claims).toMatchObject({ sub: "doctor-y", video: { room: "visit-x", roomJoin: true } });
    expect(JSON.parse(claims.metadata!)).toEqual({ role: "doctor" });
    await new Promise((r) => setTimeout(r, 2100));
    await expect(verifyToken(token, "k", secret, 0)).rejects.toThrow(/exp/);
  });
});
