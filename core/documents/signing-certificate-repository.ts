import type { AuditEntry } from "../audit/audit-log";
import { recordAudit } from "../audit/audit-log";
import type { Db } from "../db/prisma";

/** A doctor's uploaded certificate: the files holding it and what was read from it on upload. */
export interface StoredCertificate {
  doctorId: string;
  p12FileId: string;
  passwordFileId: string;
  subject: string;
  issuer: string;
  notBefore: Date;
  notAfter: Date;
  fingerprint: string;
  uploadedBy: string;
  uploadedAt: Date;
}

export class SigningCertificateRepository {
  constructor(private readonly db: Db) {}

  async find(doctorId: string): Promise<StoredCertificate | undefined> {
    return (await this.db.signingCertificate.findUnique({ where: { doctorId } })) ?? undefined;
  }

  /** Replaces the doctor's certificate, with its audit row. */
  async save(certificate: StoredCertificate, audit: AuditEntry): Promise<void> {
    const { doctorId, ...data } = certificate;
    await this.db.$transaction(async (tx) => {
      await tx.signingCertificate.upsert({ where: { doctorId }, create: certificate, update: data });
      await recordAudit(tx, audit);
    });
  }

  /** Every doctor, by name. */
  async doctors(): Promise<Array<{ id: string; name: string }>> {
    return this.db.doctor.findMany({ select: { id: true, name: true }, orderBy: { name: "asc" } });
  }

  async doctorName(doctorId: string): Promise<string | undefined> {
    return (await this.db.doctor.findUnique({ where: { id: doctorId }, select: { name: true } }))?.name;
  }
}
