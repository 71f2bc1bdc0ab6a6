import { createHash } from "node:crypto";
import forge from "node-forge";
import { z } from "zod";
import type { Actor } from "../audit/audit-log";
import { AppError } from "../errors";
import type { StoredFiles } from "../files/stored-files";
import { translator } from "../i18n";
import { decodeP12, type CredentialSource } from "./document-signer";
import type { SigningCertificateRepository } from "./signing-certificate-repository";

/** Why a certificate cannot sign; each has its words in console.json `certificates.reason.*`. */
export type CertificateProblem =
  | "missing"
  | "not_p12"
  | "wrong_password"
  | "no_key"
  | "key_mismatch"
  | "not_yet_valid"
  | "expired"
  | "chain_incomplete"
  | "chain_invalid";

export interface CertificateFacts {
  subject: string;
  issuer: string;
  notBefore: Date;
  notAfter: Date;
  fingerprint: string;
}

/** Admins see a certificate coming to its end this many days ahead. */
export const EXPIRY_WARNING_DAYS = 30;

const problem = (reason: CertificateProblem, message: string) => new AppError("validation", message, { reason });
/** node-forge gives UTF8String values as their raw bytes: a Cyrillic name would show as mojibake. */
function text(value: unknown): string {
  try {
    return forge.util.decodeUtf8(String(value));
  } catch {
    return String(value);
  }
}
const nameOf = (name: forge.pki.Certificate["subject"]) => name.attributes.map((a) => `${a.shortName ?? a.name}=${text(a.value)}`).join(", ");

/**
 * Opens a PKCS#12 file and checks what signing needs: the password opens it, it holds a private key and the
 * certificate of that key, the certificate is valid now, and every certificate up to a self-signed root is in the
 * file and signed by the next (the clinic CA travels in the file, as pdfsig needs it to trust the signature).
 */
export function inspectP12(bytes: Buffer, password: string, now = new Date()): CertificateFacts {
  let credentials: ReturnType<typeof decodeP12>;
  try {
    credentials = decodeP12(bytes, password);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/private key/.test(message)) throw problem("no_key", message);
    if (/matches its key/.test(message)) throw problem("key_mismatch", message);
    if (/password|MAC|Invalid password/i.test(message)) throw problem("wrong_password", "the password does not open the PKCS#12 file");
    throw problem("not_p12", `not a PKCS#12 file: ${message}`);
  }
  const { certificate, chain } = credentials;
  if (now < certificate.validity.notBefore) throw problem("not_yet_valid", `the certificate is valid from ${certificate.validity.notBefore.toISOString()}`);
  if (now > certificate.validity.notAfter) throw problem("expired", `the certificate expired on ${certificate.validity.notAfter.toISOString()}`);
  let current = certificate;
  for (let depth = 0; ; depth++) {
    if (depth > 8) throw problem("chain_invalid", "the chain is too long");
    const issuer = chain.find((c) => c.subject.hash === current.issuer.hash);
    if (!issuer) throw problem("chain_incomplete", `the file lacks the issuer of ${nameOf(current.subject)} (${nameOf(current.issuer)})`);
    let verified = false;
    try {
      verified = issuer.verify(current);
    } catch {
      verified = false;
    }
    if (!verified) throw problem("chain_invalid", `${nameOf(current.subject)} is not signed by ${nameOf(issuer.subject)}`);
    if (now > issuer.validity.notAfter || now < issuer.validity.notBefore) throw problem("chain_invalid", `${nameOf(issuer.subject)} is not valid now`);
    if (issuer === current) break; // a self-signed root ends the chain
    current = issuer;
  }
  const der = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(certificate)).getBytes(), "binary");
  return {
    subject: nameOf(certificate.subject),
    issuer: nameOf(certificate.issuer),
    notBefore: certificate.validity.notBefore,
    notAfter: certificate.validity.notAfter,
    fingerprint: createHash("sha256").update(der).digest("hex"),
  };
}

export interface CertificateStatus {
  doctorId: string;
  doctorName: string;
  /** uploaded: by an admin in the console; file: `<DOCTOR_CERTS_DIR>/<doctorId>.p12`; null: none. */
  source: "uploaded" | "file" | null;
  subject: string | null;
  notAfter: Date | null;
  daysLeft: number | null;
  expiresSoon: boolean;
  problem: CertificateProblem | null;
}

export const certificateStatusSchema = z.object({
  doctorId: z.string(),
  doctorName: z.string(),
  source: z.enum(["uploaded", "file"]).nullable(),
  subject: z.string().nullable(),
  notAfter: z.date().nullable(),
  daysLeft: z.number().nullable(),
  expiresSoon: z.boolean(),
  problem: z.enum(["missing", "not_p12", "wrong_password", "no_key", "key_mismatch", "not_yet_valid", "expired", "chain_incomplete", "chain_invalid"]).nullable(),
}) satisfies z.ZodType<CertificateStatus>;

/**
 * The doctors' signing certificates: uploaded in the console (checked at once, stored encrypted) or, as before, files
 * in DOCTOR_CERTS_DIR. The signer reads credentials here; signing a protocol asks first whether it can succeed.
 */
export class SigningCertificates implements CredentialSource {
  constructor(
    private readonly certificates: SigningCertificateRepository,
    private readonly files: StoredFiles,
    private readonly directory: CredentialSource,
  ) {}

  async upload(doctorId: string, p12: Buffer, password: string, by: Actor & { id: string }, now = new Date()): Promise<CertificateStatus> {
    if ((await this.certificates.doctorName(doctorId)) === undefined) throw new AppError("not_found", "doctor not found");
    const facts = inspectP12(p12, password, now);
    const p12FileId = await this.files.save(p12, { mimeType: "application/x-pkcs12", fileName: `${doctorId}.p12` });
    const passwordFileId = await this.files.save(Buffer.from(password, "utf8"), { mimeType: "text/plain", fileName: `${doctorId}.pass` });
    const previous = await this.certificates.find(doctorId);
    await this.certificates.save({ doctorId, p12FileId, passwordFileId, ...facts, uploadedBy: by.id, uploadedAt: now }, { actor: by, action: "signing_certificate.upload", entityType: "doctor", entityId: doctorId, meta: { subject: facts.subject, notAfter: facts.notAfter.toISOString(), fingerprint: facts.fingerprint } });
    if (previous) await this.files.remove([previous.p12FileId, previous.passwordFileId]);
    return this.status(doctorId, now);
  }

  /** The key material for signing, or null; `version` changes whenever the certificate does (for caching). */
  async credentialsFor(doctorId: string): Promise<{ bytes: Buffer; passphrase: string; version: string } | null> {
    const row = await this.certificates.find(doctorId);
    if (row) {
      const [p12, password] = await Promise.all([this.files.read(row.p12FileId), this.files.read(row.passwordFileId)]);
      return { bytes: p12.bytes, passphrase: password.bytes.toString("utf8"), version: `${row.fingerprint}-${row.uploadedAt.getTime()}` };
    }
    return this.directory.credentialsFor(doctorId);
  }

  async status(doctorId: string, now = new Date()): Promise<CertificateStatus> {
    const doctorName = await this.certificates.doctorName(doctorId);
    if (doctorName === undefined) throw new AppError("not_found", "doctor not found");
    const base = { doctorId, doctorName };
    const row = await this.certificates.find(doctorId);
    if (row) return { ...base, source: "uploaded", subject: row.subject, ...this.validity(row.notBefore, row.notAfter, now) };
    const file = await this.credentialsFor(doctorId);
    if (!file) return { ...base, source: null, subject: null, notAfter: null, daysLeft: null, expiresSoon: false, problem: "missing" };
    try {
      const facts = inspectP12(file.bytes, file.passphrase, now);
      return { ...base, source: "file", subject: facts.subject, ...this.validity(facts.notBefore, facts.notAfter, now) };
    } catch (error) {
      const reason = ((error as AppError).details as { reason?: CertificateProblem } | undefined)?.reason ?? "not_p12";
      return { ...base, source: "file", subject: null, notAfter: null, daysLeft: null, expiresSoon: false, problem: reason };
    }
  }

  /** Every doctor with the state of their certificate, the ones needing attention first. */
  async list(now = new Date()): Promise<CertificateStatus[]> {
    const doctors = await this.certificates.doctors();
    const all = await Promise.all(doctors.map((d) => this.status(d.id, now)));
    return all.sort((a, b) => Number(!!b.problem || b.expiresSoon) - Number(!!a.problem || a.expiresSoon));
  }

  /** Signing would only fail later in the documents job: refuse now, with the reason in both console languages. */
  async assertUsable(doctorId: string, now = new Date()): Promise<void> {
    const { problem: reason } = await this.status(doctorId, now);
    if (!reason) return;
    const explain = (language: "ru" | "en") => translator(language, "console")("certificates.signRefused", { reason: translator(language, "console")(`certificates.reason.${reason}`) });
    throw new AppError("conflict", `cannot sign: ${reason}`, { reason, explanation: { ru: explain("ru"), en: explain("en") } });
  }

  private validity(notBefore: Date, notAfter: Date, now: Date) {
    const daysLeft = Math.floor((notAfter.getTime() - now.getTime()) / 86_400_000);
    const problem: CertificateProblem | null = now > notAfter ? "expired" : now < notBefore ? "not_yet_valid" : null;
    return { notAfter, daysLeft, expiresSoon: !problem && daysLeft <= EXPIRY_WARNING_DAYS, problem };
  }
}
