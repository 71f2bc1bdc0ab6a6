import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createPrisma } from "../db/prisma";
import { StaffService } from "./staff-service";
import { totpCode } from "./totp";

const db = createPrisma(inject("databaseUrl"));
const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
const staff = new StaffService(db, redis, `${inject("redisPrefix")}-${randomUUID().slice(0, 8)}`, {
  maxFailedAttempts: 3,
  lockoutMs: 10 * 60_000,
  sessionTtlMs: 60_000,
});
afterAll(async () => {
  await db.$disconnect();
  redis.disconnect();
});

const password = "a long enough password";

describe("staff login", () => {
  it("locks after the allowed failures for a limited time only; wrong TOTP codes count too", async () => {
    const email = `lock-${randomUUID()}@clinic.test`;
    const { totpSecret } = await staff.create({ email, name: "Lock Test", role: "operator", password });
    const t0 = new Date("2026-11-23T09:00:00Z");
    const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
    await expect(staff.login({ email, password: "wrong", code: totpCode(totpSecret, at(0).getTime()) }, at(0))).rejects.toMatchObject({ code: "unauthorized" });
    await expect(staff.login({ email, password, code: "000000" }, at(1))).rejects.toMatchObject({ code: "unauthorized" });
    await expect(staff.login({ email, password: "wrong", code: "000000" }, at(2))).rejects.toMatchObject({ code: "locked" });
    await expect(staff.login({ email, password, code: totpCode(totpSecret, at(11).getTime()) }, at(11))).rejects.toMatchObject({ code: "locked" });
    const { staff: member, sessionToken } = await staff.login({ email, password, code: totpCode(totpSecret, at(13).getTime()) }, at(13));
    expect(member.email).toBe(email);
    expect((await staff.bySession(sessionToken))?.id).toBe(member.id);
    await staff.logout(sessionToken);
    expect(await staff.bySession(sessionToken)).toBeUndefined();
  });

  it("does not say whether an email exists, and stores only an argon2id hash", async () => {
    await expect(staff.login({ email: `nobody-${randomUUID()}@clinic.test`, password, code: "123456" })).rejects.toMatchObject({ code: "unauthorized" });
    const email = `hash-${randomUUID()}@clinic.test`;
    await staff.create({ email, name: "Hash Test", role: "admin", password });
    const row = await db.staffMember.findUniqueOrThrow({ where: { email } });
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);
    expect(row.passwordHash).not.toContain(password);
  });

  it("refuses a doctor without specialties or languages, and a second account with the same email", async () => {
    await expect(staff.create({ email: `d-${randomUUID()}@c.test`, name: "No Spec", role: "doctor", password })).rejects.toMatchObject({ code: "validation" });
    const email = `dup-${randomUUID()}@c.test`;
    await staff.create({ email, name: "Dup One", role: "operator", password });
    await expect(staff.create({ email: email.toUpperCase(), name: "Dup Two", role: "operator", password })).rejects.toMatchObject({ code: "conflict" });
  });
});
