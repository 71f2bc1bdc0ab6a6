import { hash, verify } from "@node-rs/argon2";
import { createHash, randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { z } from "zod";
import { recordAudit } from "../audit/audit-log";
import type { Db } from "../db/prisma";
import type { Doctor } from "../doctors/doctors";
import { SpecialtyDirectory } from "../specialties/specialty-directory";
import { AppError, notFound } from "../errors";
import { newTotpSecret, otpauthUrl, verifyTotp } from "./totp";

export const staffRoleSchema = z.enum(["doctor", "operator", "admin", "interpreter"]);
export type StaffRole = z.infer<typeof staffRoleSchema>;

export interface StaffMember {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  /** Present for role doctor: the Doctor the consultations are assigned to. */
  doctor: Doctor | null;
  /** Present for role interpreter: whom video calls invite as a third participant. */
  interpreterId: string | null;
  lockedUntil: Date | null;
  disabled: boolean;
}

export const newStaffSchema = z.object({
  email: z.email().transform((email) => email.toLowerCase()),
  name: z.string().trim().min(2).max(200),
  role: staffRoleSchema,
  password: z.string().min(10).max(200),
  specialties: z.array(z.string().trim().min(1).max(50)).default([]),
  languages: z.array(z.string().trim().length(2)).default([]),
});

export const loginSchema = z.object({
  email: z.string().trim().toLowerCase().min(3).max(320),
  password: z.string().min(1).max(200),
  code: z.string().trim().max(10),
});

export interface StaffPolicy {
  maxFailedAttempts: number;
  lockoutMs: number;
  sessionTtlMs: number;
}

const row = {
  include: { doctor: { select: { id: true, name: true, specialties: true, languages: true } } },
} as const;

/** A staff row as `row` reads it: the member, with `disabledAt` where the member says `disabled`. */
type Row = Omit<StaffMember, "disabled"> & { disabledAt: Date | null };

const toStaff = (r: Row): StaffMember => ({
  id: r.id,
  email: r.email,
  name: r.name,
  role: r.role,
  doctor: r.doctor,
  interpreterId: r.interpreterId,
  lockedUntil: r.lockedUntil,
  disabled: r.disabledAt !== null,
});

const sessionHash = (token: string) => createHash("sha256").update(token).digest("hex");

/** Staff accounts, login with a second factor, lockout, and server-side sessions in Redis. */
export class StaffService {
  constructor(
    private readonly db: Db,
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly policy: StaffPolicy,
  ) {}

  /** Creates an account; a doctor also gets a Doctor row. The TOTP secret is returned once for the authenticator app. */
  async create(input: z.input<typeof newStaffSchema>, by?: StaffMember) {
    const data = newStaffSchema.parse(input);
    if (data.role === "doctor" && (!data.specialties.length || !data.languages.length)) {
      throw new AppError("validation", "a doctor needs at least one specialty and one language");
    }
    if (data.role === "interpreter" && !data.languages.length) {
      throw new AppError("validation", "an interpreter needs the languages they interpret from Russian");
    }
    await new SpecialtyDirectory(this.db).assertActive(data.specialties);
    if (await this.db.staffMember.findUnique({ where: { email: data.email } })) {
      throw new AppError("conflict", "a staff member with this email exists");
    }
    const totpSecret = newTotpSecret();
    const passwordHash = await hash(data.password);
    const created = await this.db.$transaction(async (tx) => {
      const doctor =
        data.role === "doctor"
          ? await tx.doctor.create({ data: { name: data.name, specialties: data.specialties, languages: data.languages } })
          : null;
      const interpreter =
        data.role === "interpreter" ? await tx.interpreter.create({ data: { name: data.name, languages: data.languages } }) : null;
      const member = await tx.staffMember.create({
        data: { email: data.email, name: data.name, role: data.role, passwordHash, totpSecret, doctorId: doctor?.id, interpreterId: interpreter?.id },
        ...row,
      });
      await recordAudit(tx, {
        actor: by ? { type: "staff", id: by.id } : { type: "system" },
        action: "staff.create",
        entityType: "staff",
        entityId: member.id,
        meta: { role: data.role },
      });
      return member;
    });
    return { staff: toStaff(created), totpSecret, otpauthUrl: otpauthUrl(totpSecret, data.email) };
  }

  async list(): Promise<StaffMember[]> {
    return (await this.db.staffMember.findMany({ orderBy: { createdAt: "asc" }, ...row })).map(toStaff);
  }

  /**
   * Password and TOTP code together, so an attacker never learns which of the two was wrong.
   * Every failure counts towards the lockout, which ends by itself after `lockoutMs`.
   */
  async login(input: z.input<typeof loginSchema>, now = new Date()): Promise<{ staff: StaffMember; sessionToken: string }> {
    const { email, password, code } = loginSchema.parse(input);
    const member = await this.db.staffMember.findUnique({ where: { email } });
    const denied = () => new AppError("unauthorized", "wrong email, password or code");
    if (!member || member.disabledAt) {
      // Spend the same time as a real check so timing does not tell which emails exist.
      await verify("$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0wQGdrPTkIh3TJx5d3nA1R8c9dJvQd8l1m3lCqH0yQk", password).catch(() => false);
      throw denied();
    }
    if (member.lockedUntil && member.lockedUntil > now) {
      throw new AppError("locked", `too many failed attempts; try again after ${member.lockedUntil.toISOString()}`);
    }
    const ok = (await verify(member.passwordHash, password)) && verifyTotp(member.totpSecret, code, now.getTime());
    if (!ok) {
      const failed = member.lockedUntil ? 1 : member.failedAttempts + 1;
      const lock = failed >= this.policy.maxFailedAttempts;
      await this.db.staffMember.update({
        where: { id: member.id },
        data: { failedAttempts: lock ? 0 : failed, lockedUntil: lock ? new Date(now.getTime() + this.policy.lockoutMs) : null },
      });
      await recordAudit(this.db, {
        actor: { type: "staff", id: member.id },
        action: lock ? "staff.locked" : "staff.login_failed",
        entityType: "staff",
        entityId: member.id,
      });
      if (lock) throw new AppError("locked", "too many failed attempts; the account is locked for a while");
      throw denied();
    }
    const updated = await this.db.staffMember.update({
      where: { id: member.id },
      data: { failedAttempts: 0, lockedUntil: null, lastLoginAt: now },
      ...row,
    });
    const sessionToken = randomBytes(32).toString("base64url");
    await this.redis.set(this.sessionKey(sessionToken), member.id, "PX", this.policy.sessionTtlMs);
    await recordAudit(this.db, { actor: { type: "staff", id: member.id }, action: "staff.login", entityType: "staff", entityId: member.id });
    return { staff: toStaff(updated), sessionToken };
  }

  /** The staff member behind a session cookie; each use extends the session (idle timeout). */
  async bySession(token: string): Promise<StaffMember | undefined> {
    const key = this.sessionKey(token);
    const id = await this.redis.get(key);
    if (!id) return undefined;
    const member = await this.db.staffMember.findUnique({ where: { id }, ...row });
    if (!member || member.disabledAt) {
      await this.redis.del(key);
      return undefined;
    }
    await this.redis.pexpire(key, this.policy.sessionTtlMs);
    return toStaff(member);
  }

  /** The staff account of a doctor who authenticates with an API bearer token (API clients, tests). */
  async forDoctor(doctor: Doctor): Promise<StaffMember> {
    const member = await this.db.staffMember.findUnique({ where: { doctorId: doctor.id }, ...row });
    if (member) return toStaff(member);
    return { id: doctor.id, email: "", name: doctor.name, role: "doctor", doctor, interpreterId: null, lockedUntil: null, disabled: false };
  }

  async logout(token: string): Promise<void> {
    await this.redis.del(this.sessionKey(token));
  }

  async unlock(id: string, by: StaffMember): Promise<void> {
    const result = await this.db.staffMember.updateMany({ where: { id }, data: { failedAttempts: 0, lockedUntil: null } });
    if (!result.count) throw notFound("staff member");
    await recordAudit(this.db, { actor: { type: "staff", id: by.id }, action: "staff.unlock", entityType: "staff", entityId: id });
  }

  async setDisabled(id: string, disabled: boolean, by: StaffMember): Promise<void> {
    if (id === by.id) throw new AppError("conflict", "you cannot disable yourself");
    const result = await this.db.staffMember.updateMany({ where: { id }, data: { disabledAt: disabled ? new Date() : null } });
    if (!result.count) throw notFound("staff member");
    await recordAudit(this.db, {
      actor: { type: "staff", id: by.id },
      action: disabled ? "staff.disable" : "staff.enable",
      entityType: "staff",
      entityId: id,
    });
  }

  private sessionKey(token: string) {
    return `${this.prefix}:staff-session:${sessionHash(token)}`;
  }
}
