import type { Redis } from "ioredis";
import { z } from "zod";
import { recordAudit } from "../audit/audit-log";
import type { Db } from "../db/prisma";
import type { Doctor } from "../doctors/doctors";
import { AppError, notFound } from "../errors";
import type { PatientNotifier } from "../patients/patient-notifier";
import type { CallLinks } from "./call-links";
import type { CallRole, LiveKitPort } from "./livekit";
import { shortId } from "./short-id";
import type { VideoEvents } from "./video-events";
import { estimateWaitMinutes, movingAverageMinutes } from "./wait-estimate";

export const shiftSchema = z
  .object({ specialty: z.string().trim().min(1).max(50), startsAt: z.coerce.date(), endsAt: z.coerce.date() })
  .refine((s) => s.endsAt > s.startsAt, { message: "endsAt must be after startsAt", path: ["endsAt"] })
  .refine((s) => s.endsAt.getTime() - s.startsAt.getTime() <= 24 * 3600_000, { message: "a shift lasts at most 24 h", path: ["endsAt"] });
export type ShiftInput = z.infer<typeof shiftSchema>;

export const videoRequestSchema = z.object({
  patientId: z.uuid(),
  accountId: z.uuid(),
  specialty: z.string().min(1).default("gp"),
  consultationId: z.uuid().optional(),
});

/** Hands "recompute this queue's positions and tell who needs telling" to the worker. */
export interface QueueUpdates {
  enqueue(specialty: string, language: string): Promise<void>;
}

export interface QueueStatus {
  visitId: string;
  position: number;
  minutes: number | undefined;
}

export type RequestOutcome =
  | ({ kind: "queued" } & QueueStatus)
  | { kind: "choose_interpreter"; visitId: string }
  | { kind: "already"; visitId: string; status: string };

export interface VideoSettings {
  publicUrl: string;
  defaultConsultMinutes: number;
  /** How long a won claim keeps others out while the winner's database write lands. */
  claimTtlMs: number;
}

export interface JoinGrant {
  /** For the doctor: what the patient told the intake, shown beside the video. */
  intake?: string[];
  url: string;
  token: string;
  role: CallRole;
  visitId: string;
  room: string;
  language: string;
}

const ACTIVE = ["waiting", "accepted", "in_call"] as const;
/** Urgent visits (a red flag in triage) are scored this far back in time, so they queue before every routine one. */
const URGENT_AHEAD_MS = 100 * 365 * 24 * 3600_000;
/** A language-specific queue, except that patients with an interpreter wait for Russian-speaking doctors. */
const servedLanguage = (visit: { language: string; needsInterpreter: boolean }) => (visit.needsInterpreter ? "ru" : visit.language);
export const identityOf = (role: CallRole, id: string) => `${role}-${id}`;

/**
 * The waiting queue and the on-call pool: patients wait per specialty + language (a Redis sorted set by
 * arrival, Postgres holds the truth of each visit); doctors on duty see requests in real time and the first
 * to accept wins through an atomic Redis claim.
 */
export class VideoService {
  constructor(
    private readonly deps: {
      db: Db;
      redis: Redis;
      prefix: string;
      events: VideoEvents;
      links: CallLinks;
      livekit: LiveKitPort;
      notifier: PatientNotifier;
      queueUpdates: QueueUpdates;
      settings: VideoSettings;
      now?: () => Date;
      /** Gives the call's consultation to the doctor who accepted it (wired to ConsultationDesk.takeForCall). */
      onAccepted?: (doctorId: string, consultationId: string) => Promise<void>;
    },
  ) {}

  private now() {
    return this.deps.now?.() ?? new Date();
  }

  private queueKey(specialty: string, language: string) {
    return `${this.deps.prefix}:video:q:${specialty}:${language}`;
  }

  // ---- on-call pool ----

  async publishShift(doctor: Doctor, input: ShiftInput) {
    const shift = shiftSchema.parse(input);
    const row = await this.deps.db.dutyShift.create({ data: { doctorId: doctor.id, ...shift } });
    return { id: row.id, specialty: row.specialty, startsAt: row.startsAt, endsAt: row.endsAt };
  }

  async shiftsOf(doctor: Doctor) {
    return this.deps.db.dutyShift.findMany({
      where: { doctorId: doctor.id, endsAt: { gt: this.now() } },
      orderBy: { startsAt: "asc" },
      select: { id: true, specialty: true, startsAt: true, endsAt: true },
    });
  }

  /** Doctors whose shift covers now for `specialty` and who speak `language`. */
  async doctorsOnDuty(specialty: string, language: string): Promise<string[]> {
    const at = this.now();
    const shifts = await this.deps.db.dutyShift.findMany({
      where: { specialty, startsAt: { lte: at }, endsAt: { gt: at }, doctor: { languages: { has: language } } },
      select: { doctorId: true },
      distinct: ["doctorId"],
    });
    return shifts.map((s) => s.doctorId);
  }

  async isOnDuty(doctorId: string, specialty: string): Promise<boolean> {
    const at = this.now();
    return (await this.deps.db.dutyShift.count({ where: { doctorId, specialty, startsAt: { lte: at }, endsAt: { gt: at } } })) > 0;
  }

  // ---- the patient's side ----

  /** A patient asks for a video consultation now. */
  async requestVideo(input: z.input<typeof videoRequestSchema>): Promise<RequestOutcome> {
    const request = videoRequestSchema.parse(input);
    const existing = await this.deps.db.videoVisit.findFirst({
      where: { patientId: request.patientId, status: { in: [...ACTIVE] } },
    });
    if (existing?.status === "waiting") {
      const status = await this.queueStatus(existing.id);
      if (status) return { kind: "queued", ...status };
    }
    if (existing) return { kind: "already", visitId: existing.id, status: existing.status };
    const patient = await this.deps.db.patient.findUniqueOrThrow({ where: { id: request.patientId } });
    const id = crypto.randomUUID();
    const visit = await this.deps.db.videoVisit.create({
      data: {
        id,
        patientId: request.patientId,
        accountId: request.accountId,
        consultationId: request.consultationId,
        specialty: request.specialty,
        language: patient.language,
        room: `visit-${id}`,
      },
    });
    await recordAudit(this.deps.db, {
      actor: { type: "patient", id: request.patientId },
      action: "video.request",
      entityType: "video_visit",
      entityId: visit.id,
      meta: { specialty: request.specialty },
    });
    const ownLanguageDoctors = await this.doctorsOnDuty(request.specialty, patient.language);
    if (ownLanguageDoctors.length === 0 && patient.language !== "ru") return { kind: "choose_interpreter", visitId: visit.id };
    return { kind: "queued", ...(await this.enqueue(visit.id)) };
  }

  /** The patient's answer when nobody speaking their language is on duty. */
  async chooseRoute(patientId: string, visitId: string, route: "interpreter" | "wait"): Promise<QueueStatus> {
    const visit = await this.ownVisit(patientId, visitId);
    if (visit.status !== "waiting") throw new AppError("conflict", "the visit is no longer waiting");
    if (route === "interpreter") {
      await this.deps.db.videoVisit.update({ where: { id: visitId }, data: { needsInterpreter: true } });
    }
    return this.enqueue(visitId);
  }

  async leave(patientId: string, visitId: string): Promise<boolean> {
    const visit = await this.ownVisit(patientId, visitId);
    const left = await this.deps.db.videoVisit.updateMany({
      where: { id: visitId, status: "waiting" },
      data: { status: "left", endedAt: this.now() },
    });
    if (left.count === 0) return false;
    await this.deps.redis.zrem(this.queueKey(visit.specialty, servedLanguage(visit)), visitId);
    await this.deps.redis.hdel(this.noticeKey, visitId);
    await this.deps.events.publish({ type: "withdrawn", visitId });
    await this.deps.queueUpdates.enqueue(visit.specialty, servedLanguage(visit));
    return true;
  }

  private async enqueue(visitId: string): Promise<QueueStatus> {
    const visit = await this.deps.db.videoVisit.findUniqueOrThrow({ where: { id: visitId }, include: { consultation: { select: { urgent: true } } } });
    const language = servedLanguage(visit);
    const urgent = visit.consultation?.urgent ?? false;
    const score = visit.requestedAt.getTime() - (urgent ? URGENT_AHEAD_MS : 0);
    await this.deps.redis.zadd(this.queueKey(visit.specialty, language), "NX", score, visitId);
    await this.deps.events.publish({
      type: "request",
      visitId,
      specialty: visit.specialty,
      language,
      needsInterpreter: visit.needsInterpreter,
      requestedAt: visit.requestedAt.toISOString(),
      urgent,
    });
    await this.deps.queueUpdates.enqueue(visit.specialty, language);
    const status = (await this.queueStatus(visitId))!;
    // the patient is told this status in the reply to their button; the worker only tells changes after it
    await this.recordNotice(status);
    return status;
  }

  private get noticeKey() {
    return `${this.deps.prefix}:video:notices`;
  }

  /** What the patient was last told about their place in the queue. */
  async lastNotice(visitId: string): Promise<{ position: number; minutes: number | undefined } | undefined> {
    const raw = await this.deps.redis.hget(this.noticeKey, visitId);
    if (!raw) return undefined;
    const parsed = JSON.parse(raw) as { position: number; minutes: number | null };
    return { position: parsed.position, minutes: parsed.minutes ?? undefined };
  }

  async recordNotice(status: QueueStatus): Promise<void> {
    await this.deps.redis.hset(this.noticeKey, status.visitId, JSON.stringify({ position: status.position, minutes: status.minutes ?? null }));
  }

  /** Everyone waiting in one queue with their position and estimate, in order. */
  async queueSnapshot(specialty: string, language: string): Promise<QueueStatus[]> {
    const ids = await this.deps.redis.zrange(this.queueKey(specialty, language), 0, -1);
    if (ids.length === 0) return [];
    const onDuty = await this.doctorsOnDuty(specialty, language);
    const busy = await this.deps.db.videoVisit.findMany({
      where: { doctorId: { in: onDuty }, status: { in: ["accepted", "in_call"] } },
      select: { acceptedAt: true },
    });
    const recent = await this.deps.db.videoVisit.findMany({
      where: { specialty, status: "ended", durationSeconds: { not: null } },
      orderBy: { endedAt: "desc" },
      take: 20,
      select: { durationSeconds: true },
    });
    const now = this.now().getTime();
    const mean = movingAverageMinutes(recent.map((r) => r.durationSeconds! / 60), this.deps.settings.defaultConsultMinutes);
    const busyElapsed = busy.map((b) => (now - (b.acceptedAt?.getTime() ?? now)) / 60_000);
    return ids.map((visitId, index) => {
      const minutes = estimateWaitMinutes({
        position: index + 1,
        doctorsOnDuty: onDuty.length,
        busyElapsedMinutes: busyElapsed,
        meanConsultMinutes: mean,
      });
      return { visitId, position: index + 1, minutes: minutes === undefined ? undefined : Math.ceil(minutes) };
    });
  }

  /** The patient of a visit still waiting, else undefined. */
  async waitingPatient(visitId: string): Promise<string | undefined> {
    const visit = await this.deps.db.videoVisit.findUnique({ where: { id: visitId }, select: { patientId: true, status: true } });
    return visit?.status === "waiting" ? visit.patientId : undefined;
  }

  async queueStatus(visitId: string): Promise<QueueStatus | undefined> {
    const visit = await this.deps.db.videoVisit.findUnique({ where: { id: visitId } });
    if (!visit || visit.status !== "waiting") return undefined;
    const snapshot = await this.queueSnapshot(visit.specialty, servedLanguage(visit));
    return snapshot.find((s) => s.visitId === visitId);
  }

  // ---- the doctor's side ----

  /** Requests a doctor could take now: their specialties and languages, urgent ones first. */
  async openRequestsFor(doctor: Doctor) {
    const visits = await this.deps.db.videoVisit.findMany({
      where: { status: "waiting", specialty: { in: doctor.specialties } },
      orderBy: { requestedAt: "asc" },
      select: { id: true, specialty: true, language: true, needsInterpreter: true, requestedAt: true, consultation: { select: { urgent: true } } },
    });
    return visits
      .filter((v) => doctor.languages.includes(servedLanguage(v)))
      .map((v) => ({
        visitId: v.id,
        specialty: v.specialty,
        language: servedLanguage(v),
        needsInterpreter: v.needsInterpreter,
        requestedAt: v.requestedAt,
        urgent: v.consultation?.urgent ?? false,
      }))
      .sort((a, b) => Number(b.urgent) - Number(a.urgent));
  }

  /**
   * The first doctor to accept wins. The decision is one atomic Redis `SET NX PX` shared by every api
   * instance (an in-process flag would let two instances both say yes); the database update that follows
   * is guarded by the status as well, so a claim that outlives its visit changes nothing.
   */
  async accept(doctor: Doctor, visitId: string) {
    const visit = await this.deps.db.videoVisit.findUnique({ where: { id: visitId } });
    if (!visit) throw notFound("video request");
    if (!doctor.specialties.includes(visit.specialty) || !doctor.languages.includes(servedLanguage(visit))) {
      throw new AppError("forbidden", "this request is for another specialty or language");
    }
    const claimKey = `${this.deps.prefix}:video:claim:${visitId}`;
    const won = await this.deps.redis.set(claimKey, doctor.id, "PX", this.deps.settings.claimTtlMs, "NX");
    if (won !== "OK") throw new AppError("conflict", "another doctor has already taken this request");
    const now = this.now();
    const updated = await this.deps.db.videoVisit.updateMany({
      where: { id: visitId, status: "waiting" },
      data: { status: "accepted", doctorId: doctor.id, acceptedAt: now },
    });
    if (updated.count === 0) throw new AppError("conflict", "the request is no longer waiting");
    await this.deps.redis.zrem(this.queueKey(visit.specialty, servedLanguage(visit)), visitId);
    await this.deps.redis.hdel(this.noticeKey, visitId);
    await this.deps.events.publish({ type: "taken", visitId, doctorId: doctor.id });
    await recordAudit(this.deps.db, {
      actor: { type: "doctor", id: doctor.id },
      action: "video.accept",
      entityType: "video_visit",
      entityId: visitId,
    });
    await this.deps.queueUpdates.enqueue(visit.specialty, servedLanguage(visit));
    if (visit.consultationId) await this.deps.onAccepted?.(doctor.id, visit.consultationId);

    let interpreterLink: string | undefined;
    if (visit.needsInterpreter) {
      const interpreter = await this.deps.db.interpreter.findFirst({
        where: { languages: { has: visit.language } },
        orderBy: { createdAt: "asc" },
      });
      if (interpreter) {
        await this.deps.db.videoVisit.update({ where: { id: visitId }, data: { interpreterId: interpreter.id } });
        interpreterLink = await this.linkUrl(visitId, "interpreter", interpreter.id, interpreter.name, "ru");
      }
    }
    await this.sendPatientLink(visitId);
    return { visitId, room: visit.room, interpreterLink };
  }

  /**
   * A booked appointment's time has come: the slot's doctor opens the call (no queue, already accepted)
   * and the patient gets their link and the recording question. Calling it twice opens one visit.
   */
  async startAppointment(doctor: Doctor, appointmentId: string) {
    const appointment = await this.deps.db.appointment.findUnique({ where: { id: appointmentId }, include: { slot: true } });
    if (!appointment || appointment.activeSlotId === null) throw notFound("appointment");
    if (appointment.slot.doctorId !== doctor.id) throw new AppError("forbidden", "this appointment is with another doctor");
    const existing = await this.deps.db.videoVisit.findUnique({ where: { appointmentId } });
    if (existing) return { visitId: existing.id, room: existing.room };
    const patient = await this.deps.db.patient.findUniqueOrThrow({ where: { id: appointment.patientId } });
    const id = crypto.randomUUID();
    const visit = await this.deps.db.videoVisit.create({
      data: {
        id,
        patientId: appointment.patientId,
        accountId: appointment.accountId,
        appointmentId,
        specialty: appointment.slot.specialty,
        language: patient.language,
        status: "accepted",
        doctorId: doctor.id,
        acceptedAt: this.now(),
        room: `visit-${id}`,
      },
    });
    await recordAudit(this.deps.db, {
      actor: { type: "doctor", id: doctor.id },
      action: "video.appointment.start",
      entityType: "video_visit",
      entityId: visit.id,
      meta: { appointmentId },
    });
    await this.sendPatientLink(visit.id);
    return { visitId: visit.id, room: visit.room };
  }

  /** Sends the patient a fresh single-device link (also when they ask for a new one to switch devices). */
  async sendPatientLink(visitId: string): Promise<void> {
    const visit = await this.deps.db.videoVisit.findUniqueOrThrow({ where: { id: visitId } });
    const url = await this.linkUrl(visitId, "patient", visit.patientId, "patient", visit.language);
    const sid = shortId(visitId);
    await this.deps.notifier.notify(
      visit.patientId,
      (t) => [
        { text: t("accepted", { url }), buttons: [[{ label: t("buttons.new_link"), data: `video:link:${sid}` }]] },
        {
          text: t("recording.ask"),
          buttons: [[
            { label: t("buttons.record_yes"), data: `video:rec:${sid}:y` },
            { label: t("buttons.record_no"), data: `video:rec:${sid}:n` },
          ]],
        },
      ],
      "video",
    );
  }

  /** A call link for the doctor (their console opens the same call page, with the intake beside the video). */
  async doctorLink(doctor: Doctor, visitId: string): Promise<string> {
    await this.doctorsVisit(doctor, visitId);
    return this.linkUrl(visitId, "doctor", doctor.id, doctor.name, doctor.languages.includes("ru") ? "ru" : doctor.languages[0]!);
  }

  private async linkUrl(visitId: string, role: CallRole, id: string, name: string, language: string) {
    const identity = identityOf(role, id);
    const token = await this.deps.links.issue({ visitId, role, identity, name, language });
    const visit = await this.deps.db.videoVisit.findUniqueOrThrow({ where: { id: visitId }, select: { room: true } });
    // A newer link replaces the older one: the device that used the old link leaves the room.
    await this.deps.livekit.removeParticipant(visit.room, identity);
    return `${this.deps.settings.publicUrl}/call/${token}`;
  }

  /** Opening a call link: a LiveKit token for exactly this room and this person, for a short while. */
  async join(linkToken: string, device: string): Promise<JoinGrant> {
    const link = await this.deps.links.open(linkToken, device);
    const visit = await this.deps.db.videoVisit.findUnique({ where: { id: link.visitId } });
    if (!visit || !["accepted", "in_call"].includes(visit.status)) throw new AppError("conflict", "this consultation is not open for a call");
    const allowed =
      (link.role === "patient" && link.identity === identityOf("patient", visit.patientId)) ||
      (link.role === "doctor" && visit.doctorId !== null && link.identity === identityOf("doctor", visit.doctorId)) ||
      (link.role === "interpreter" && visit.interpreterId !== null && link.identity === identityOf("interpreter", visit.interpreterId));
    if (!allowed) throw new AppError("forbidden", "not a participant of this consultation");
    const token = await this.deps.livekit.issueToken({ room: visit.room, identity: link.identity, name: link.name, role: link.role });
    await recordAudit(this.deps.db, {
      actor: link.role === "doctor" ? { type: "doctor", id: visit.doctorId! } : link.role === "patient" ? { type: "patient", id: visit.patientId } : { type: "system" },
      action: "video.join",
      entityType: "video_visit",
      entityId: visit.id,
      meta: { role: link.role, identity: link.identity },
    });
    const grant: JoinGrant = { url: this.deps.livekit.url, token, role: link.role, visitId: visit.id, room: visit.room, language: link.language };
    if (link.role === "doctor") grant.intake = await this.intake(visit.doctorId!, visit.consultationId);
    return grant;
  }

  /** Opening a link that is not the device's own is refused inside `links.open`; only the doctor's page ends the call. */
  async endFromLink(linkToken: string, device: string): Promise<void> {
    const link = await this.deps.links.open(linkToken, device);
    if (link.role !== "doctor") return;
    const visit = await this.deps.db.videoVisit.findUniqueOrThrow({ where: { id: link.visitId } });
    if (visit.doctorId && link.identity === identityOf("doctor", visit.doctorId)) {
      await this.end({ id: visit.doctorId, name: link.name, specialties: [], languages: [] }, visit.id);
    }
  }

  private async intake(doctorId: string, consultationId: string | null): Promise<string[]> {
    if (!consultationId) return [];
    const messages = await this.deps.db.message.findMany({
      where: { consultationId, authorRole: "patient" },
      orderBy: { createdAt: "asc" },
      select: { text: true },
    });
    await recordAudit(this.deps.db, {
      actor: { type: "doctor", id: doctorId },
      action: "consultation.read",
      entityType: "consultation",
      entityId: consultationId,
      meta: { via: "video_call" },
    });
    return messages.map((m) => m.text);
  }

  /** The doctor ends the call: LiveKit closes the room for everyone; the room_finished webhook records the end. */
  async end(doctor: Doctor, visitId: string): Promise<void> {
    const visit = await this.doctorsVisit(doctor, visitId);
    await this.deps.livekit.endRoom(visit.room);
    const now = this.now();
    await this.deps.db.videoVisit.updateMany({
      where: { id: visitId, status: { in: ["accepted", "in_call"] } },
      data: { status: "ended", endedAt: now },
    });
  }

  /** The calls an interpreter is invited to and that have not ended. */
  async interpreterVisits(interpreterId: string) {
    const visits = await this.deps.db.videoVisit.findMany({
      where: { interpreterId, status: { in: ["accepted", "in_call"] } },
      orderBy: { acceptedAt: "asc" },
      select: { id: true, language: true, status: true, acceptedAt: true },
    });
    return visits.map(({ id, ...visit }) => ({ visitId: id, ...visit }));
  }

  /** The interpreter's own single-device link to a call they are invited to. */
  async interpreterLink(interpreterId: string, visitId: string): Promise<string> {
    const visit = await this.deps.db.videoVisit.findUnique({ where: { id: visitId }, include: { interpreter: true } });
    if (!visit) throw notFound("video visit");
    if (visit.interpreterId !== interpreterId || !visit.interpreter) throw new AppError("forbidden", "this call has another interpreter");
    return this.linkUrl(visitId, "interpreter", interpreterId, visit.interpreter.name, "ru");
  }

  /** The calls a doctor accepted or started and has not ended, for the console after a reload. */
  async activeVisitsOf(doctor: Doctor) {
    const visits = await this.deps.db.videoVisit.findMany({
      where: { doctorId: doctor.id, status: { in: ["accepted", "in_call"] } },
      orderBy: { acceptedAt: "asc" },
      select: { id: true, specialty: true, status: true, acceptedAt: true },
    });
    return visits.map(({ id, ...visit }) => ({ visitId: id, ...visit }));
  }

  async doctorsVisit(doctor: Doctor, visitId: string) {
    const visit = await this.deps.db.videoVisit.findUnique({ where: { id: visitId } });
    if (!visit) throw notFound("video visit");
    if (visit.doctorId !== doctor.id) throw new AppError("forbidden", "this consultation belongs to another doctor");
    return visit;
  }

  async ownVisit(patientId: string, visitId: string) {
    const visit = await this.deps.db.videoVisit.findUnique({ where: { id: visitId } });
    if (!visit || visit.patientId !== patientId) throw notFound("video visit");
    return visit;
  }
}
