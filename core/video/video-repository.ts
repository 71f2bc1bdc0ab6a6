import { recordAudit, type AuditEntry } from "../audit/audit-log";
import { isUniqueViolation, type Db } from "../db/prisma";
import { interpreterOnDutyWhere } from "../rota/duty-now-repository";

export type VideoVisitStatus = "waiting" | "accepted" | "in_call" | "ended" | "left";

export interface VideoVisit {
  id: string;
  patientId: string;
  accountId: string;
  consultationId: string | null;
  appointmentId: string | null;
  specialty: string;
  language: string;
  needsInterpreter: boolean;
  status: string;
  room: string;
  doctorId: string | null;
  interpreterId: string | null;
  requestedAt: Date;
  acceptedAt: Date | null;
  startedAt: Date | null;
  endedAt: Date | null;
  durationSeconds: number | null;
}

const visitSelect = {
  id: true,
  patientId: true,
  accountId: true,
  consultationId: true,
  appointmentId: true,
  specialty: true,
  language: true,
  needsInterpreter: true,
  status: true,
  room: true,
  doctorId: true,
  interpreterId: true,
  requestedAt: true,
  acceptedAt: true,
  startedAt: true,
  endedAt: true,
  durationSeconds: true,
} as const;

const STILL_OPEN = ["accepted", "in_call"] as const;

export interface Shift {
  id: string;
  specialty: string;
  startsAt: Date;
  endsAt: Date;
}

/** Video visits, duty shifts and what a call needs from elsewhere (patients, appointments, interpreters) in Postgres. */
export class VideoRepository {
  constructor(private readonly db: Db) {}

  audit(entry: AuditEntry): Promise<void> {
    return recordAudit(this.db, entry);
  }

  // ---- duty shifts ----

  async createShift(doctorId: string, shift: Omit<Shift, "id">): Promise<Shift> {
    const row = await this.db.dutyShift.create({ data: { doctorId, ...shift } });
    return { id: row.id, specialty: row.specialty, startsAt: row.startsAt, endsAt: row.endsAt };
  }

  shiftsEndingAfter(doctorId: string, at: Date): Promise<Shift[]> {
    return this.db.dutyShift.findMany({
      where: { doctorId, endsAt: { gt: at } },
      orderBy: { startsAt: "asc" },
      select: { id: true, specialty: true, startsAt: true, endsAt: true },
    });
  }

  /** Shifts for `specialty` of doctors who speak `language` that overlap [from, to), by start. */
  shiftsOverlapping(specialty: string, language: string, from: Date, to: Date): Promise<Array<{ doctorId: string; startsAt: Date; endsAt: Date }>> {
    return this.db.dutyShift.findMany({
      where: { specialty, startsAt: { lt: to }, endsAt: { gt: from }, doctor: { languages: { has: language } } },
      orderBy: { startsAt: "asc" },
      select: { doctorId: true, startsAt: true, endsAt: true },
    });
  }

  // ---- visits ----

  async visit(visitId: string): Promise<VideoVisit | undefined> {
    return (await this.db.videoVisit.findUnique({ where: { id: visitId }, select: visitSelect })) ?? undefined;
  }

  async visitOfAppointment(appointmentId: string): Promise<VideoVisit | undefined> {
    return (await this.db.videoVisit.findUnique({ where: { appointmentId }, select: visitSelect })) ?? undefined;
  }

  /** The patient's visit that is waiting, accepted or in a call. */
  async activeVisitOf(patientId: string): Promise<VideoVisit | undefined> {
    return (await this.db.videoVisit.findFirst({ where: { patientId, status: { in: ["waiting", ...STILL_OPEN] } }, select: visitSelect })) ?? undefined;
  }

  /** A new visit: waiting in the queue, or accepted at once (a booked appointment). */
  async createVisit(
    data: Pick<VideoVisit, "id" | "patientId" | "accountId" | "consultationId" | "appointmentId" | "specialty" | "language" | "room"> &
      ({ status?: "waiting" } | { status: "accepted"; doctorId: string; acceptedAt: Date }),
  ): Promise<VideoVisit> {
    return this.db.videoVisit.create({ data, select: visitSelect });
  }

  /** Doctors let into the call besides its own doctor (a consilium's). */
  async addGuests(visitId: string, doctorIds: string[]): Promise<void> {
    await this.db.videoVisitGuest.createMany({ data: doctorIds.map((doctorId) => ({ visitId, doctorId })), skipDuplicates: true });
  }

  async isGuest(visitId: string, doctorId: string): Promise<boolean> {
    return (await this.db.videoVisitGuest.count({ where: { visitId, doctorId } })) > 0;
  }

  /** Whether an urgent (red-flag) consultation is behind the visit. */
  async isUrgent(visitId: string): Promise<boolean> {
    const row = await this.db.videoVisit.findUniqueOrThrow({ where: { id: visitId }, select: { consultation: { select: { urgent: true } } } });
    return row.consultation?.urgent ?? false;
  }

  async needsInterpreter(visitId: string): Promise<void> {
    await this.db.videoVisit.update({ where: { id: visitId }, data: { needsInterpreter: true } });
  }

  async inviteInterpreter(visitId: string, interpreterId: string): Promise<void> {
    await this.db.videoVisit.update({ where: { id: visitId }, data: { interpreterId } });
  }

  /** Moves the visit from one of `from` to `to`; false when it was in none of them (someone else came first). */
  async transition(visitId: string, from: VideoVisitStatus[], data: { status: VideoVisitStatus; doctorId?: string; acceptedAt?: Date; endedAt?: Date }): Promise<boolean> {
    return (await this.db.videoVisit.updateMany({ where: { id: visitId, status: { in: from } }, data })).count > 0;
  }

  /** Requests waiting for any of these specialties, oldest first, with their consultation's urgency. */
  async waitingFor(specialties: string[]) {
    const rows = await this.db.videoVisit.findMany({
      where: { status: "waiting", specialty: { in: specialties } },
      orderBy: { requestedAt: "asc" },
      select: { id: true, specialty: true, language: true, needsInterpreter: true, requestedAt: true, consultation: { select: { urgent: true } } },
    });
    return rows.map(({ consultation, ...row }) => ({ ...row, urgent: consultation?.urgent ?? false }));
  }

  /** The open calls of these doctors: who and since when (accepted). */
  async openCallsByDoctor(doctorIds: string[]): Promise<Array<{ doctorId: string; acceptedAt: Date | null }>> {
    const rows = await this.db.videoVisit.findMany({
      where: { doctorId: { in: doctorIds }, status: { in: [...STILL_OPEN] } },
      select: { doctorId: true, acceptedAt: true },
    });
    return rows.map((r) => ({ doctorId: r.doctorId!, acceptedAt: r.acceptedAt }));
  }

  /** How the specialty's latest queued visits left the queue: given up (`left`) or taken, and after how long. */
  async recentQueueExits(specialty: string, take: number): Promise<Array<{ left: boolean; waitedSeconds: number }>> {
    const rows = await this.db.videoVisit.findMany({
      where: { specialty, appointmentId: null, status: { not: "waiting" } },
      orderBy: { requestedAt: "desc" },
      take,
      select: { status: true, requestedAt: true, acceptedAt: true, endedAt: true },
    });
    return rows.flatMap((r) => {
      const exit = r.status === "left" ? r.endedAt : r.acceptedAt;
      return exit ? [{ left: r.status === "left", waitedSeconds: (exit.getTime() - r.requestedAt.getTime()) / 1000 }] : [];
    });
  }

  /** Durations of the specialty's last ended calls, newest first. */
  async recentDurationsSeconds(specialty: string, take: number): Promise<number[]> {
    const rows = await this.db.videoVisit.findMany({
      where: { specialty, status: "ended", durationSeconds: { not: null } },
      orderBy: { endedAt: "desc" },
      take,
      select: { durationSeconds: true },
    });
    return rows.map((r) => r.durationSeconds!);
  }

  /** The calls not ended yet of a doctor or of an interpreter, by acceptance. */
  openCallsOf(who: { doctorId: string } | { interpreterId: string }) {
    return this.db.videoVisit.findMany({
      where: { ...who, status: { in: [...STILL_OPEN] } },
      orderBy: { acceptedAt: "asc" },
      select: { id: true, specialty: true, language: true, status: true, acceptedAt: true },
    });
  }

  async visitInRoom(room: string): Promise<VideoVisit | undefined> {
    return (await this.db.videoVisit.findUnique({ where: { room }, select: visitSelect })) ?? undefined;
  }

  /** Remembers a LiveKit webhook's id; false when it was seen before (LiveKit does not promise to deliver once). */
  async firstWebhook(id: string, event: string): Promise<boolean> {
    try {
      await this.db.livekitWebhookEvent.create({ data: { id, event } });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async addParticipantEvent(visitId: string, identity: string, kind: "joined" | "left", at: Date): Promise<void> {
    await this.db.videoParticipantEvent.create({ data: { visitId, identity, kind, at } });
  }

  /** The call began (patient and doctor both in the room) or the room closed: LiveKit's times. */
  async recordCallTimes(visitId: string, times: { startedAt: Date } | { endedAt: Date; durationSeconds: number | null }): Promise<void> {
    const data = "startedAt" in times ? { ...times, status: "in_call" as const } : { ...times, status: "ended" as const };
    await this.db.videoVisit.update({ where: { id: visitId }, data });
  }

  participantEvents(visitId: string): Promise<Array<{ identity: string; kind: string; at: Date }>> {
    return this.db.videoParticipantEvent.findMany({ where: { visitId }, orderBy: { at: "asc" }, select: { identity: true, kind: true, at: true } });
  }

  // ---- what a call needs from elsewhere ----

  async patientTimezone(patientId: string): Promise<string | undefined> {
    return (await this.db.patient.findUnique({ where: { id: patientId }, select: { timezone: true } }))?.timezone;
  }

  /** The specialty of the patient's own open consultation; undefined when it is closed or someone else's. */
  async consultationSpecialty(patientId: string, consultationId: string): Promise<string | undefined> {
    const row = await this.db.consultation.findFirst({ where: { id: consultationId, patientId, status: { not: "closed" } }, select: { specialty: true } });
    return row?.specialty;
  }

  async patientLanguage(patientId: string): Promise<string> {
    return (await this.db.patient.findUniqueOrThrow({ where: { id: patientId }, select: { language: true } })).language;
  }

  /**
   * An interpreter of `language` for a call at `at`: the most senior one on duty then (core/rota), else the most
   * senior one at all, who may still answer the invitation.
   */
  async interpreterFor(language: string, at: Date): Promise<{ id: string; name: string } | undefined> {
    const pick = { orderBy: { createdAt: "asc" }, select: { id: true, name: true } } as const;
    const row =
      (await this.db.interpreter.findFirst({ where: interpreterOnDutyWhere(language, at), ...pick })) ??
      (await this.db.interpreter.findFirst({ where: { languages: { has: language } }, ...pick }));
    return row ?? undefined;
  }

  async interpreterName(interpreterId: string): Promise<string | undefined> {
    return (await this.db.interpreter.findUnique({ where: { id: interpreterId }, select: { name: true } }))?.name;
  }

  /** A booked video appointment still holding its slot, with the slot's doctor and specialty (an in-person one has no call). */
  async bookedAppointment(appointmentId: string) {
    const row = await this.db.appointment.findUnique({ where: { id: appointmentId }, include: { slot: true } });
    if (!row || row.activeSlotId === null || row.slot.kind !== "video") return undefined;
    return { patientId: row.patientId, accountId: row.accountId, doctorId: row.slot.doctorId, specialty: row.slot.specialty };
  }

  /** What the patient wrote in the consultation (the intake), oldest first. */
  async patientMessages(consultationId: string): Promise<string[]> {
    const rows = await this.db.message.findMany({ where: { consultationId, authorRole: "patient" }, orderBy: { createdAt: "asc" }, select: { text: true } });
    return rows.map((m) => m.text);
  }
}
