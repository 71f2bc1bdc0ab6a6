import { isUniqueViolation, type Db } from "../db/prisma";
import type { ReadingKind } from "../monitoring/reading";
import type { RenewalRow, RenewalStatus, RenewalVia } from "./renewal";

/** A signed protocol version as a renewal needs it. */
export interface SignedVersion {
  id: string;
  consultationId: string;
  consultationNumber: number;
  specialty: string;
  patientId: string;
  doctorId: string;
  version: number;
  content: unknown;
  signedAt: Date;
}

const versionSelect = {
  id: true,
  consultationId: true,
  patientId: true,
  doctorId: true,
  version: true,
  content: true,
  signedAt: true,
  consultation: { select: { number: true, specialty: true } },
} as const;

type VersionRow = { id: string; consultationId: string; patientId: string; doctorId: string; version: number; content: unknown; signedAt: Date | null; consultation: { number: number; specialty: string } };

const toVersion = ({ consultation, signedAt, ...row }: VersionRow): SignedVersion => ({
  ...row,
  signedAt: signedAt!,
  consultationNumber: consultation.number,
  specialty: consultation.specialty,
});

export class RenewalRepository {
  constructor(private readonly db: Db) {}

  /** The newest signed version of each of the patient's consultations (what the patient takes now). */
  async latestSignedVersions(patientId: string): Promise<SignedVersion[]> {
    const rows = await this.db.protocol.findMany({ where: { patientId, status: "signed" }, orderBy: { version: "desc" }, select: versionSelect });
    const seen = new Set<string>();
    return rows.filter((row) => !seen.has(row.consultationId) && seen.add(row.consultationId)).map(toVersion);
  }

  async signedVersion(protocolId: string): Promise<SignedVersion | undefined> {
    const row = await this.db.protocol.findFirst({ where: { id: protocolId, status: "signed" }, select: versionSelect });
    return row ? toVersion(row) : undefined;
  }

  /** The consultation a patient's medication schedule was prescribed in (the reminder's renew button). */
  async scheduleConsultation(patientId: string, scheduleId: string): Promise<string | undefined> {
    const row = await this.db.medicationSchedule.findFirst({ where: { id: scheduleId, patientId }, select: { consultationId: true } });
    return row?.consultationId ?? undefined;
  }

  /** The open request of this consultation's prescription when one exists already. */
  async open(data: { patientId: string; protocolId: string; consultationId: string; prescriberId: string; specialty: string; via: RenewalVia }): Promise<{ row: RenewalRow; created: boolean }> {
    const { consultationId, ...fields } = data;
    try {
      // A transaction of its own (a savepoint inside a dialogue step, core/db/unit-of-work.ts): the open request's
      // unique key fails only this insert, and the step goes on to read that request.
      return { row: await this.db.$transaction((tx) => tx.prescriptionRenewal.create({ data: { ...fields, openFor: consultationId } })), created: true };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      return { row: await this.db.prescriptionRenewal.findUniqueOrThrow({ where: { openFor: consultationId } }), created: false };
    }
  }

  async byId(id: string): Promise<RenewalRow | undefined> {
    return (await this.db.prescriptionRenewal.findUnique({ where: { id } })) ?? undefined;
  }

  /** Open requests of the doctor's own prescriptions or of their specialties (the caller decides which of the latter are due). */
  async openFor(doctorId: string, specialties: string[]): Promise<RenewalRow[]> {
    return this.db.prescriptionRenewal.findMany({
      where: { status: "requested", OR: [{ prescriberId: doctorId }, { specialty: { in: specialties } }] },
      orderBy: { createdAt: "asc" },
      take: 200,
    });
  }

  /** Of these doctors, those whose staff account is disabled (they left the clinic). */
  async departedDoctors(doctorIds: string[]): Promise<Set<string>> {
    const rows = await this.db.staffMember.findMany({ where: { doctorId: { in: doctorIds }, disabledAt: { not: null } }, select: { doctorId: true } });
    return new Set(rows.map((r) => r.doctorId!));
  }

  /** Of these patients, those erased (core/rights): their record is kept only as the law requires, never worked on. */
  async erasedPatients(patientIds: string[]): Promise<Set<string>> {
    const rows = await this.db.patient.findMany({ where: { id: { in: patientIds }, erasedAt: { not: null } }, select: { id: true } });
    return new Set(rows.map((r) => r.id));
  }

  /** Records the decision unless another doctor decided first; false then. */
  async decide(id: string, decision: { status: Exclude<RenewalStatus, "requested">; decidedById: string; declineReason?: string; resultProtocolId?: string }, now: Date): Promise<boolean> {
    const { count } = await this.db.prescriptionRenewal.updateMany({
      where: { id, status: "requested" },
      data: { ...decision, decidedAt: now, openFor: null },
    });
    return count > 0;
  }

  async doctorName(doctorId: string): Promise<string> {
    return (await this.db.doctor.findUnique({ where: { id: doctorId }, select: { name: true } }))?.name ?? "";
  }

  async patientLanguage(patientId: string): Promise<string> {
    return (await this.db.patient.findUniqueOrThrow({ where: { id: patientId }, select: { language: true } })).language;
  }

  async latestReadings(patientId: string, since: Date): Promise<Array<{ kind: ReadingKind; value: number; value2: number | null; measuredAt: Date }>> {
    return this.db.reading.findMany({
      where: { patientId, measuredAt: { gte: since } },
      orderBy: { measuredAt: "desc" },
      take: 20,
      select: { kind: true, value: true, value2: true, measuredAt: true },
    });
  }

  /** The consultation's medication doses due since `since`, counted by what the patient answered. */
  async adherence(patientId: string, consultationId: string, since: Date, now: Date): Promise<{ taken: number; missed: number; unanswered: number }> {
    const rows = await this.db.reminderOccurrence.groupBy({
      by: ["status"],
      where: { patientId, kind: "medication", schedule: { consultationId }, dueAt: { gte: since, lte: now } },
      _count: { _all: true },
    });
    const count = (statuses: string[]) => rows.filter((r) => statuses.includes(r.status)).reduce((sum, r) => sum + r._count._all, 0);
    return { taken: count(["taken"]), missed: count(["missed"]), unanswered: count(["sent"]) };
  }
}
