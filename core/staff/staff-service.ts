import { hash, verify } from "@node-rs/argon2";
import { createHash, randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { z } from "zod";
import { recordAudit } from "../audit/audit-log";
import type { Db } from "../db/prisma";
import type { Doctor } from "../doctors/doctors";
import { SpecialtyDirectory } from "../specialties/specialty-directory";
import { AppError, notFound } from "../errors";
import { LoginAddresses } from "./login-addresses";
import { matchTotp, newTotpSecret, otpauthUrl } from "./totp";

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

export interface LoginContext {
  /** The client's address (behind a proxy: from X-Forwarded-For when TRUST_PROXY is on); none from scripts. */
  ip?: string;
  now?: Date;
}

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
  private readonly addresses: LoginAddresses;
  private decoy: Promise<string> | undefined;

  constructor(
    private readonly db: Db,
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly policy: StaffPolicy,
  ) {
    this.addresses = new LoginAddresses(redis, prefix);
  }

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
   * Password and TOTP code together, so an attacker never learns which of the two was wrong. Every refusal
   * (unknown email, disabled, locked, wrong password, wrong or reused code) is the same 401 after the same
   * argon2 work, so neither the answer nor its timing tells whether an account exists or is locked.
   *
   * An attempt slot is taken *before* the password is checked (one conditional UPDATE, or a Redis INCR for a
   * known address): 40 guesses sent at once get at most `maxFailedAttempts` evaluations, not 40.
   */
  async login(input: z.input<typeof loginSchema>, context: LoginContext = {}): Promise<{ staff: StaffMember; sessionToken: string }> {
    const { email, password, code } = loginSchema.parse(input);
    const { ip, now = new Date() } = context;
    const denied = () => new AppError("unauthorized", "wrong email, password or code");
    const member = await this.db.staffMember.findUnique({ where: { email } });
    const slot = member && !member.disabledAt ? await this.reserveAttempt(member.id, ip, now) : "refused";
    if (!member || slot === "refused") {
      await verify(await this.decoyHash(), password);
      // Audited like an evaluated failure, so every refusal does the same work (and takes the same time).
      await recordAudit(this.db, {
        actor: member ? { type: "staff", id: member.id } : { type: "system" },
        action: "staff.login_refused",
        entityType: "staff",
        entityId: member?.id ?? "unknown",
        meta: { reason: !member ? "unknown_account" : member.disabledAt ? "disabled" : "locked" },
      });
      throw denied();
    }
    const actor = { type: "staff", id: member.id } as const;
    const passwordOk = await verify(member.passwordHash, password);
    const step = matchTotp(member.totpSecret, code, now.getTime());
    // Taking the step is conditional, so a replayed code (or one of an older step) fails even when sent in parallel.
    const signedIn =
      passwordOk &&
      step !== null &&
      (
        await this.db.staffMember.updateMany({
          where: { id: member.id, lastTotpStep: { lt: step } },
          data: { lastTotpStep: step, failedAttempts: 0, lockedUntil: null, lastLoginAt: now },
        })
      ).count === 1;
    if (!signedIn) {
      const reason = passwordOk && step !== null ? "code_reused" : "wrong";
      await recordAudit(this.db, { actor, action: "staff.login_failed", entityType: "staff", entityId: member.id, meta: { reason } });
      // This attempt filled the counter: the account now refuses everyone but known addresses for `lockoutMs`.
      if (slot === "locking") await recordAudit(this.db, { actor, action: "staff.locked", entityType: "staff", entityId: member.id });
      throw denied();
    }
    if (ip) await this.addresses.succeeded(member.id, ip);
    const signed = await this.db.staffMember.findUniqueOrThrow({ where: { id: member.id }, ...row });
    const sessionToken = randomBytes(32).toString("base64url");
    await this.redis.set(this.sessionKey(sessionToken), member.id, "PX", this.policy.sessionTtlMs);
    await recordAudit(this.db, { actor, action: "staff.login", entityType: "staff", entityId: member.id });
    return { staff: toStaff(signed), sessionToken };
  }

  /**
   * Counts the attempt before it is evaluated. From an address the account signed in from before, the count is
   * per account and address (Redis), so failures sent from elsewhere never lock the owner out of their own
   * network; from any other address it is the account's own counter, which locks for `lockoutMs` once full.
   * "locking": this attempt filled the counter (it is still evaluated); "refused": no slot is left.
   */
  private async reserveAttempt(id: string, ip: string | undefined, now: Date): Promise<"reserved" | "locking" | "refused"> {
    const { maxFailedAttempts: max, lockoutMs } = this.policy;
    if (ip && (await this.addresses.isKnown(id, ip))) {
      return (await this.addresses.reserve(id, ip, max, lockoutMs)) ? "reserved" : "refused";
    }
    // Timestamps go in as UTC text: the column is a timestamp without time zone holding UTC, as Prisma writes it.
    const at = now.toISOString();
    const until = new Date(now.getTime() + lockoutMs).toISOString();
    // An expired lock starts the count again at this attempt; an active one matches no row.
    const rows = await this.db.$queryRaw<{ failedAttempts: number }[]>`
      UPDATE "StaffMember" SET
        "failedAttempts" = CASE WHEN "lockedUntil" IS NOT NULL THEN 1 ELSE "failedAttempts" + 1 END,
        "lockedUntil" = CASE WHEN (CASE WHEN "lockedUntil" IS NOT NULL THEN 1 ELSE "failedAttempts" + 1 END) >= ${max}
                        THEN (${until}::timestamptz AT TIME ZONE 'UTC') ELSE NULL END
      WHERE "id" = ${id}::uuid AND ("lockedUntil" IS NULL OR "lockedUntil" <= (${at}::timestamptz AT TIME ZONE 'UTC'))
      RETURNING "failedAttempts"`;
    if (!rows.length) return "refused";
    return rows[0]!.failedAttempts >= max ? "locking" : "reserved";
  }

  /** A hash made with the same parameters as real ones, so a refusal costs what a real check costs. */
  private decoyHash(): Promise<string> {
    this.decoy ??= hash(randomBytes(16).toString("hex"));
    return this.decoy;
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

  /** An admin unlocks an account by typing a current code of their own authenticator: a stolen session alone cannot. */
  async unlock(id: string, by: StaffMember, code: string, now = new Date()): Promise<void> {
    const admin = await this.db.staffMember.findUnique({ where: { id: by.id } });
    const step = admin ? matchTotp(admin.totpSecret, code, now.getTime()) : null;
    const confirmed =
      step !== null &&
      (await this.db.staffMember.updateMany({ where: { id: by.id, lastTotpStep: { lt: step } }, data: { lastTotpStep: step } })).count === 1;
    if (!confirmed) throw new AppError("forbidden", "the code from your authenticator app is wrong or already used");
    await this.addresses.clearAttempts(id);
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
