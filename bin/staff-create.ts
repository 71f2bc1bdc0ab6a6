import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { ZodError } from "zod";
import { loadConfigOrExit } from "../core/config";
import { createPrisma } from "../core/db/prisma";
import { AppError } from "../core/errors";
import { StaffService } from "../core/staff/staff-service";
import { AuditRepository } from "../core/audit/audit-repository";
import { SpecialtyDirectory } from "../core/specialties/specialty-directory";
import { SpecialtyRepository } from "../core/specialties/specialty-repository";
import { StaffRepository } from "../core/staff/staff-repository";
import { staffRoleSchema } from "../core/staff/staff-member";

/**
 * Creates a console account (the first admin, usually) and prints the TOTP secret once.
 * Usage: npm run staff:create -- <email> "<name>" [admin|operator|doctor|interpreter] [specialties] [languages] [certificate] [valid until]
 * An interpreter has no specialties ("") and needs the languages they interpret from Russian.
 * A doctor's certificate or accreditation number and its last valid day (YYYY-MM-DD) are published on /about.
 * The password comes from STAFF_PASSWORD, or a random one is generated and printed.
 */
const [email, name, role = "admin", specialties = "", languages = "", certificate = "", validUntil = ""] = process.argv.slice(2);
if (!email || !name) {
  const roles = staffRoleSchema.options.join("|");
  process.stderr.write(`usage: npm run staff:create -- <email> "<name>" [${roles}] [gp,dermatology] [ru,en] [certificate] [YYYY-MM-DD]\n`);
  process.exit(64);
}
const config = loadConfigOrExit();
const db = createPrisma(config.DATABASE_URL);
const redis = new Redis(config.REDIS_URL, { lazyConnect: true });
const password = process.env.STAFF_PASSWORD || randomBytes(12).toString("base64url");
try {
  const staff = new StaffService(
    { members: new StaffRepository(db), specialties: new SpecialtyDirectory(new SpecialtyRepository(db)), audit: new AuditRepository(db) },
    redis,
    config.REDIS_PREFIX,
    { maxFailedAttempts: 5, lockoutMs: 0, sessionTtlMs: 0 },
  );
  const created = await staff.create({
    email,
    name,
    role: role as "admin",
    password,
    specialties: specialties ? specialties.split(",") : [],
    languages: languages ? languages.split(",") : [],
  });
  if (certificate && created.staff.doctor) {
    await staff.setDoctorCertificate(created.staff.doctor.id, certificate, validUntil ? new Date(`${validUntil}T00:00:00Z`) : null);
  }
  process.stdout.write(
    [
      `${created.staff.role} ${created.staff.name} <${created.staff.email}> (staff id ${created.staff.id})`,
      // The doctor id names the doctor everywhere else: the signing certificate (uploaded in the console's admin
      // screen, or <DOCTOR_CERTS_DIR>/<doctor id>.p12), the api, the audit log.
      ...(created.staff.doctor ? [`Doctor id: ${created.staff.doctor.id}`] : []),
      process.env.STAFF_PASSWORD ? "Password: as given in STAFF_PASSWORD" : `Password (shown once): ${password}`,
      `TOTP secret (shown once): ${created.totpSecret}`,
      `Add it to an authenticator app: ${created.otpauthUrl}`,
      "",
    ].join("\n"),
  );
} catch (error) {
  // An operator's typo (an unknown specialty code, a taken email) is one line, not a stack trace.
  if (!(error instanceof AppError) && !(error instanceof ZodError)) throw error;
  const message = error instanceof ZodError ? error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") : error.message;
  process.stderr.write(`staff:create: ${message}\n`);
  process.exitCode = 1;
} finally {
  await db.$disconnect();
  redis.disconnect();
}
