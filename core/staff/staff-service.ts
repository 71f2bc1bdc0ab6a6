import { hash, verify } from "@node-rs/argon2";
import { createHash, randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { z } from "zod";
import type { AuditRepository } from "../audit/audit-repository";
import type { Doctor } from "../doctors/doctors";
import type { SpecialtyDirectory } from "../specialties/specialty-directory";
import { AppError, notFound } from "../errors";
import { redisKeys } from "../redis-keys";
import { LoginAddresses } from "./login-addresses";
import { staffRoleSchema, type StaffMember } from "./staff-member";
import type { StaffRepository } from "./staff-repository";
import { matchTotp, newTotpSecret, otpauthUrl } from "./totp";

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

const sessionHash = (token: string) => createHash("sha256").update(token).digest("hex");

/** Staff accounts, login with a second factor, lockout, and server-side sessions in Redis. */
export class StaffService {
  private readonly addresses: LoginAddresses;
  private decoy: Promise<string> | undefined;

  constructor(
    private readonly deps: { members: StaffRepository; specialties: SpecialtyDirectory; audit: AuditRepository },
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
    await this.deps.specialties.assertActive(data.specialties);
    if (await this.deps.members.emailTaken(data.email)) {
      throw new AppError("conflict", "a staff member with this email exists");
    }
    const totpSecret = newTotpSecret();
    const passwordHash = await hash(data.password);
    const { password: _, ...account } = data;
    const created = await this.deps.members.create(
      { ...account, passwordHash, totpSecret },
      { actor: by ? { type: "staff", id: by.id } : { type: "system" }, action: "staff.create", entityType: "staff", meta: { role: data.role } },
    );
    return { staff: created, totpSecret, otpauthUrl: otpauthUrl(totpSecret, data.email) };
  }

  async list(): Promise<StaffMember[]> {
    return this.deps.members.list();
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
    const member = await this.deps.members.credentialsByEmail(email);
    const slot = member && !member.disabledAt ? await this.reserveAttempt(member.id, ip, now) : "refused";
    if (!member || slot === "refused") {
      await verify(await this.decoyHash(), password);
      // Audited like an evaluated failure, so every refusal does the same work (and takes the same time).
      await this.deps.audit.record({
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
      (await this.deps.members.takeTotpStep(member.id, step, now));
    if (!signedIn) {
      const reason = passwordOk && step !== null ? "code_reused" : "wrong";
      await this.deps.audit.record({ actor, action: "staff.login_failed", entityType: "staff", entityId: member.id, meta: { reason } });
      // This attempt filled the counter: the account now refuses everyone but known addresses for `lockoutMs`.
      if (slot === "locking") await this.deps.audit.record({ actor, action: "staff.locked", entityType: "staff", entityId: member.id });
      throw denied();
    }
    if (ip) await this.addresses.succeeded(member.id, ip);
    const signed = (await this.deps.members.byId(member.id))!;
    const sessionToken = randomBytes(32).toString("base64url");
    await this.redis.set(this.sessionKey(sessionToken), member.id, "PX", this.policy.sessionTtlMs);
    await this.deps.audit.record({ actor, action: "staff.login", entityType: "staff", entityId: member.id });
    return { staff: signed, sessionToken };
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
    const attempts = await this.deps.members.countAttempt(id, max, now, lockoutMs);
    if (attempts === undefined) return "refused";
    return attempts >= max ? "locking" : "reserved";
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
    const member = await this.deps.members.byId(id);
    if (!member || member.disabled) {
      await this.redis.del(key);
      return undefined;
    }
    await this.redis.pexpire(key, this.policy.sessionTtlMs);
    return member;
  }

  /** The staff account of a doctor who authenticates with an API bearer token (API clients, tests). */
  async forDoctor(doctor: Doctor): Promise<StaffMember> {
    const member = await this.deps.members.byDoctor(doctor.id);
    if (member) return member;
    return { id: doctor.id, email: "", name: doctor.name, role: "doctor", doctor, interpreterId: null, lockedUntil: null, disabled: false };
  }

  async logout(token: string): Promise<void> {
    await this.redis.del(this.sessionKey(token));
  }

  /** An admin unlocks an account by typing a current code of their own authenticator: a stolen session alone cannot. */
  async unlock(id: string, by: StaffMember, code: string, now = new Date()): Promise<void> {
    const admin = await this.deps.members.credentialsById(by.id);
    const step = admin ? matchTotp(admin.totpSecret, code, now.getTime()) : null;
    const confirmed =
      step !== null &&
      (await this.deps.members.takeTotpStep(by.id, step));
    if (!confirmed) throw new AppError("forbidden", "the code from your authenticator app is wrong or already used");
    await this.addresses.clearAttempts(id);
    if (!(await this.deps.members.clearLock(id))) throw notFound("staff member");
    await this.deps.audit.record({ actor: { type: "staff", id: by.id }, action: "staff.unlock", entityType: "staff", entityId: id });
  }

  async setDisabled(id: string, disabled: boolean, by: StaffMember): Promise<void> {
    if (id === by.id) throw new AppError("conflict", "you cannot disable yourself");
    if (!(await this.deps.members.setDisabled(id, disabled))) throw notFound("staff member");
    await this.deps.audit.record({
      actor: { type: "staff", id: by.id },
      action: disabled ? "staff.disable" : "staff.enable",
      entityType: "staff",
      entityId: id,
    });
  }

  /** A doctor's certificate or accreditation number and its last valid day, published on /about (npm run staff:create). */
  async setDoctorCertificate(doctorId: string, number: string, validUntil: Date | null): Promise<void> {
    if (!(await this.deps.members.setDoctorCertificate(doctorId, number, validUntil))) throw notFound("doctor");
  }

  private sessionKey(token: string) {
    return redisKeys(this.prefix).staffSession(sessionHash(token));
  }
}
