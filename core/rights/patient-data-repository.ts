import type { Db } from "../db/prisma";
import { notFound } from "../errors";

const fileNames = (attachments: unknown) =>
  Array.isArray(attachments) ? attachments.map((a: { fileName?: unknown }) => String(a?.fileName ?? "file")) : [];

/** What the patient's data rights read: their whole record (the export) and their identity level. */
export class PatientDataRepository {
  constructor(private readonly db: Db) {}

  async identityLevel(patientId: string): Promise<string | undefined> {
    return (await this.db.patient.findUnique({ where: { id: patientId }, select: { identityLevel: true } }))?.identityLevel;
  }

  /**
   * Everything the service holds about one patient, as plain data (152-FZ art. 14: the patient's right to the
   * data processed about them). Secrets are left out (token and phone hashes): they identify nothing to the patient.
   * Files are listed by name; their bytes are in the account (documents) or were sent to the patient.
   */
  collect(patientId: string, now = new Date()) {
    return collectPatientData(this.db, patientId, now);
  }
}

async function collectPatientData(db: Db, patientId: string, now: Date) {
  const patient = await db.patient.findUnique({
    where: { id: patientId },
    select: { id: true, language: true, timezone: true, identityLevel: true, createdAt: true },
  });
  if (!patient) throw notFound("patient");
  const where = { patientId };
  const [
    accounts, consents, verifications, consultations, intakes, protocols, documents, inPersonVisits,
    videoVisits, appointments, readings, alerts, labOrders, schedules, reminders, deviceTokens,
  ] = await Promise.all([
    db.messengerAccount.findMany({ where, select: { channel: true, externalUserId: true, createdAt: true }, orderBy: { createdAt: "asc" } }),
    db.consent.findMany({ where, select: { kind: true, version: true, givenAt: true, withdrawnAt: true }, orderBy: { givenAt: "asc" } }),
    db.identityVerification.findMany({ where, select: { level: true, method: true, at: true }, orderBy: { at: "asc" } }),
    db.consultation.findMany({
      where,
      orderBy: { createdAt: "asc" },
      select: {
        number: true, kind: true, specialty: true, status: true, outcome: true, createdAt: true, closedAt: true,
        doctor: { select: { name: true } },
        messages: { orderBy: { createdAt: "asc" }, select: { authorRole: true, text: true, attachments: true, createdAt: true } },
      },
    }),
    db.intake.findMany({ where, orderBy: { createdAt: "asc" }, select: { complaint: true, area: true, answers: true, redFlags: true, format: true, createdAt: true } }),
    db.protocol.findMany({
      where: { patientId, status: "signed" },
      orderBy: { signedAt: "asc" },
      select: { version: true, signedAt: true, content: true, consultation: { select: { number: true } }, doctor: { select: { name: true } } },
    }),
    db.clinicalDocument.findMany({ where, orderBy: { createdAt: "asc" }, select: { id: true, kind: true, createdAt: true } }),
    db.inPersonVisit.findMany({ where, orderBy: { visitedAt: "asc" }, select: { visitedAt: true, icd10Code: true, problem: true, source: true } }),
    db.videoVisit.findMany({ where, orderBy: { requestedAt: "asc" }, select: { specialty: true, status: true, requestedAt: true, startedAt: true, endedAt: true, durationSeconds: true } }),
    db.appointment.findMany({ where, orderBy: { createdAt: "asc" }, select: { status: true, createdAt: true, cancelledAt: true, slot: { select: { startsAt: true, specialty: true } } } }),
    db.reading.findMany({ where, orderBy: { measuredAt: "asc" }, select: { kind: true, value: true, value2: true, measuredAt: true, deviceId: true, source: true } }),
    db.monitoringAlert.findMany({ where, orderBy: { openedAt: "asc" }, select: { metric: true, level: true, status: true, lastValue: true, lastValue2: true, openedAt: true, resolvedAt: true } }),
    db.labOrder.findMany({
      where,
      orderBy: { createdAt: "asc" },
      select: {
        number: true, tests: true, status: true, createdAt: true,
        results: { select: { code: true, display: true, valueNumber: true, valueText: true, unit: true, refText: true, refLow: true, refHigh: true, abnormal: true, effectiveAt: true } },
      },
    }),
    db.medicationSchedule.findMany({ where, select: { medicine: true, dose: true, timesOfDay: true, startDate: true, endDate: true, cancelledAt: true } }),
    db.reminderOccurrence.findMany({ where, orderBy: { dueAt: "asc" }, select: { kind: true, dueAt: true, status: true, answer: true } }),
    db.ingestionToken.findMany({ where, select: { label: true, createdAt: true, revokedAt: true } }),
  ]);
  return {
    generatedAt: now.toISOString(),
    patient,
    messengerAccounts: accounts,
    consents,
    identityVerifications: verifications,
    consultations: consultations.map(({ doctor, messages, ...c }) => ({
      ...c,
      doctor: doctor?.name ?? null,
      messages: messages.map(({ attachments, ...m }) => ({ ...m, files: fileNames(attachments) })),
    })),
    intakes,
    protocols: protocols.map(({ consultation, doctor, ...p }) => ({ ...p, consultationNumber: consultation.number, doctor: doctor.name })),
    documents,
    inPersonVisits,
    videoVisits,
    appointments,
    readings,
    monitoringAlerts: alerts,
    labOrders,
    medicationSchedules: schedules,
    reminders,
    deviceTokens,
  };
}

export type PatientData = Awaited<ReturnType<typeof collectPatientData>>;
