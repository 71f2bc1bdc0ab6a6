import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createPrisma } from "../db/prisma";
import { StaffService } from "./staff-service";
import { AuditRepository } from "../audit/audit-repository";
import { SpecialtyDirectory } from "../specialties/specialty-directory";
import { SpecialtyRepository } from "../specialties/specialty-repository";
import { StaffRepository } from "./staff-repository";
import { totpCode } from "./totp";

const db = createPrisma(inject("databaseUrl"));
const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
const staff = new StaffService(
  { members: new StaffRepository(db), specialties: new SpecialtyDirectory(new SpecialtyRepository(db)), audit: new AuditRepository(db) },
  redis,
  `${inject("redisPrefix")}-${randomUUID().slice(0, 8)}`,
  { maxFailedAttempts: 3, lockoutMs: 10 * 60_000, sessionTtlMs: 60_000 },
);
afterAll(async () => {
  await db.$disconnect();
  redis.disconnect();
});

const password = "a long enough password";

const denied = { code: "unauthorized", message: "wrong email, password or code" };
const failures = (id: string) => db.auditEvent.count({ where: { action: "staff.login_failed", entityId: id } });

describe("staff login", () => {
  it("locks after the allowed failures for a limited time only, answering a lock like a wrong password; wrong TOTP codes count too", async () => {
    const email = `lock-${randomUUID()}@clinic.test`;
    const { totpSecret } = await staff.create({ email, name: "Lock Test", role: "operator", password });
    const t0 = new Date("2026-11-23T09:00:00Z");
    const at = (minutes: number) => ({ now: new Date(t0.getTime() + minutes * 60_000) });
    const code = (minutes: number) => totpCode(totpSecret, at(minutes).now.getTime());
    await expect(staff.login({ email, password: "wrong", code: code(0) }, at(0))).rejects.toMatchObject(denied);
    await expect(staff.login({ email, password, code: "000000" }, at(1))).rejects.toMatchObject(denied);
    await expect(staff.login({ email, password: "wrong", code: "000000" }, at(2))).rejects.toMatchObject(denied);
    // Locked until minute 12: the right password and code are refused, unevaluated, with the same answer.
    await expect(staff.login({ email, password, code: code(11) }, at(11))).rejects.toMatchObject(denied);
    const { staff: member, sessionToken } = await staff.login({ email, password, code: code(13) }, at(13));
    expect(member.email).toBe(email);
    expect(await failures(member.id)).toBe(3);
    expect(await db.auditEvent.count({ where: { action: "staff.locked", entityId: member.id } })).toBe(1);
    expect((await staff.bySession(sessionToken))?.id).toBe(member.id);
    await staff.logout(sessionToken);
    expect(await staff.bySession(sessionToken)).toBeUndefined();
  });

  it("evaluates at most the allowed number of 40 wrong passwords sent at once, and keeps the counter exact", async () => {
    const email = `race-${randomUUID()}@clinic.test`;
    const { staff: member, totpSecret } = await staff.create({ email, name: "Race Test", role: "operator", password });
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) => staff.login({ email, password: `wrong ${i}`, code: totpCode(totpSecret) })),
    );
    expect(results.every((r) => r.status === "rejected" && r.reason.code === "unauthorized")).toBe(true);
    expect(await failures(member.id)).toBe(3);
    const row = await db.staffMember.findUniqueOrThrow({ where: { id: member.id } });
    expect(row.failedAttempts).toBe(3);
    expect(row.lockedUntil!.getTime()).toBeGreaterThan(Date.now() + 9 * 60_000);
  });

  it("lets each TOTP step sign in once: a replayed code, or one of an older step, is refused", async () => {
    const email = `replay-${randomUUID()}@clinic.test`;
    const { totpSecret } = await staff.create({ email, name: "Replay Test", role: "operator", password });
    const now = Date.now();
    const current = totpCode(totpSecret, now);
    await staff.login({ email, password, code: current }, { now: new Date(now) });
    await expect(staff.login({ email, password, code: current }, { now: new Date(now) })).rejects.toMatchObject(denied);
    await expect(staff.login({ email, password, code: totpCode(totpSecret, now - 30_000) }, { now: new Date(now) })).rejects.toMatchObject(denied);
    // Two logins racing with one fresh code: exactly one gets a session.
    const next = totpCode(totpSecret, now + 30_000);
    const race = await Promise.allSettled([1, 2].map(() => staff.login({ email, password, code: next }, { now: new Date(now) })));
    expect(race.filter((r) => r.status === "fulfilled")).toHaveLength(1);
  });

  it("counts failures per address where the owner signed in before, so an attacker elsewhere cannot lock the owner out", async () => {
    const email = `owner-${randomUUID()}@clinic.test`;
    const { totpSecret } = await staff.create({ email, name: "Owner Test", role: "operator", password });
    const t0 = Date.now();
    const at = (steps: number) => ({ now: new Date(t0 + steps * 30_000) });
    const code = (steps: number) => totpCode(totpSecret, t0 + steps * 30_000);
    const office = { ip: "198.51.100.7" };
    const attacker = { ip: "203.0.113.9" };
    await staff.login({ email, password, code: code(0) }, { ...office, ...at(0) });
    for (let i = 0; i < 5; i++) {
      await expect(staff.login({ email, password: "guess", code: "123456" }, { ...attacker, ...at(1) })).rejects.toMatchObject(denied);
    }
    // The attacker's address is locked out (even with the right password and code)…
    await expect(staff.login({ email, password, code: code(1) }, { ...attacker, ...at(1) })).rejects.toMatchObject(denied);
    // …and the owner's office is not.
    await staff.login({ email, password, code: code(2) }, { ...office, ...at(2) });
    // The office's own counter still stops guessing from there.
    for (let i = 0; i < 3; i++) {
      await expect(staff.login({ email, password: "guess", code: "123456" }, { ...office, ...at(3) })).rejects.toMatchObject(denied);
    }
    await expect(staff.login({ email, password, code: code(3) }, { ...office, ...at(3) })).rejects.toMatchObject(denied);
  });

  it("unlocks only for an admin who types a current code of their own, once", async () => {
    const locked = await staff.create({ email: `locked-${randomUUID()}@clinic.test`, name: "Locked", role: "operator", password });
    const admin = await staff.create({ email: `admin-${randomUUID()}@clinic.test`, name: "Admin", role: "admin", password });
    for (let i = 0; i < 3; i++) {
      await expect(staff.login({ email: locked.staff.email, password: "guess", code: "123456" })).rejects.toMatchObject(denied);
    }
    const code = totpCode(admin.totpSecret);
    await expect(staff.unlock(locked.staff.id, admin.staff, "000000")).rejects.toMatchObject({ code: "forbidden" });
    await expect(staff.unlock(locked.staff.id, admin.staff, totpCode(locked.totpSecret))).rejects.toMatchObject({ code: "forbidden" });
    await staff.unlock(locked.staff.id, admin.staff, code);
    await expect(staff.unlock(locked.staff.id, admin.staff, code)).rejects.toMatchObject({ code: "forbidden" });
    const row = await db.staffMember.findUniqueOrThrow({ where: { id: locked.staff.id } });
    expect(row).toMatchObject({ failedAttempts: 0, lockedUntil: null });
    await staff.login({ email: locked.staff.email, password, code: totpCode(locked.totpSecret) });
  });

  it("does not say whether an email exists, and stores only an argon2id hash", async () => {
    await expect(staff.login({ email: `nobody-${randomUUID()}@clinic.test`, password, code: "123456" })).rejects.toMatchObject(denied);
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
