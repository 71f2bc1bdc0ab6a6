import type { Redis } from "ioredis";
import { z } from "zod";
import type { Doctor } from "../doctors/doctors";
import { AppError, notFound } from "../errors";
import type { PatientNotifier } from "../patients/patient-notifier";
import { redisKeys } from "../redis-keys";
import type { CallLinks } from "./call-links";
import type { CallRole, LiveKitPort } from "./livekit";
import { shortId } from "./short-id";
import type { VideoRepository, VideoVisit } from "./video-repository";
import { servedLanguage, type WaitingQueue } from "./waiting-queue";

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

export const joinGrantSchema = z.object({
  intake: z.array(z.string()).optional(),
  url: z.string(),
  token: z.string(),
  role: z.enum(["patient", "doctor", "interpreter"]),
  visitId: z.string(),
  room: z.string(),
  language: z.string(),
}) satisfies z.ZodType<JoinGrant>;

const identityOf = (role: CallRole, id: string) => `${role}-${id}`;

/** What `openGroupCall` needs: the visit's facts, the doctors let in besides its own, the room's name prefix. */
export type GroupCall = Pick<VideoVisit, "id" | "patientId" | "accountId" | "consultationId" | "specialty" | "language"> & {
  doctorId: string;
  guests: string[];
  roomPrefix: string;
};

/**
 * Who gets into a call: the doctor who accepts a request first (an atomic Redis claim), a booked appointment's
 * doctor, the patient and an interpreter, each through their own single-device link, and the doctor who ends it.
 */
export class CallAccess {
  constructor(
    private readonly deps: {
      repo: VideoRepository;
      redis: Redis;
      prefix: string;
      queue: WaitingQueue;
      links: CallLinks;
      livekit: LiveKitPort;
      notifier: PatientNotifier;
      publicUrl: string;
      /** How long a won claim keeps others out while the winner's database write lands. */
      claimTtlMs: number;
      now: () => Date;
      /** Gives the call's consultation to the doctor who accepted it (wired to ConsultationDesk.takeForCall). */
      onAccepted?: (doctorId: string, consultationId: string) => Promise<void>;
    },
  ) {}

  /**
   * The first doctor to accept wins. The decision is one atomic Redis `SET NX PX` shared by every api
   * instance (an in-process flag would let two instances both say yes); the database update that follows
   * is guarded by the status as well, so a claim that outlives its visit changes nothing.
   */
  async accept(doctor: Doctor, visitId: string) {
    const { repo, redis } = this.deps;
    const visit = await repo.visit(visitId);
    if (!visit) throw notFound("video request");
    if (!doctor.specialties.includes(visit.specialty) || !doctor.languages.includes(servedLanguage(visit))) {
      throw new AppError("forbidden", "this request is for another specialty or language");
    }
    const won = await redis.set(redisKeys(this.deps.prefix).videoClaim(visitId), doctor.id, "PX", this.deps.claimTtlMs, "NX");
    if (won !== "OK") throw new AppError("conflict", "another doctor has already taken this request");
    if (!(await repo.transition(visitId, ["waiting"], { status: "accepted", doctorId: doctor.id, acceptedAt: this.deps.now() }))) {
      throw new AppError("conflict", "the request is no longer waiting");
    }
    await this.deps.queue.remove(visit, { type: "taken", visitId, doctorId: doctor.id });
    await repo.audit({ actor: { type: "doctor", id: doctor.id }, action: "video.accept", entityType: "video_visit", entityId: visitId });
    await this.deps.queue.retell(visit);
    if (visit.consultationId) await this.deps.onAccepted?.(doctor.id, visit.consultationId);

    let interpreterLink: string | undefined;
    if (visit.needsInterpreter) {
      const interpreter = await repo.interpreterFor(visit.language, this.deps.now());
      if (interpreter) {
        await repo.inviteInterpreter(visitId, interpreter.id);
        interpreterLink = await this.linkUrl(visit, "interpreter", interpreter.id, interpreter.name, "ru");
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
    const { repo } = this.deps;
    const appointment = await repo.bookedAppointment(appointmentId);
    if (!appointment) throw notFound("appointment");
    if (appointment.doctorId !== doctor.id) throw new AppError("forbidden", "this appointment is with another doctor");
    const existing = await repo.visitOfAppointment(appointmentId);
    if (existing) return { visitId: existing.id, room: existing.room };
    const id = crypto.randomUUID();
    const visit = await repo.createVisit({
      id,
      patientId: appointment.patientId,
      accountId: appointment.accountId,
      consultationId: null,
      appointmentId,
      specialty: appointment.specialty,
      language: await repo.patientLanguage(appointment.patientId),
      status: "accepted",
      doctorId: doctor.id,
      acceptedAt: this.deps.now(),
      room: `visit-${id}`,
    });
    await repo.audit({
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
    const visit = (await this.deps.repo.visit(visitId))!;
    const url = await this.linkUrl(visit, "patient", visit.patientId, "patient", visit.language);
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
    const visit = await this.doctorsVisit(doctor, visitId);
    return this.linkUrl(visit, "doctor", doctor.id, doctor.name, doctor.languages.includes("ru") ? "ru" : doctor.languages[0]!);
  }

  private async linkUrl(visit: Pick<VideoVisit, "id" | "room">, role: CallRole, id: string, name: string, language: string) {
    const identity = identityOf(role, id);
    const token = await this.deps.links.issue({ visitId: visit.id, role, identity, name, language });
    // A newer link replaces the older one: the device that used the old link leaves the room.
    await this.deps.livekit.removeParticipant(visit.room, identity);
    return `${this.deps.publicUrl}/call/${token}`;
  }

  /** Opening a call link: a LiveKit token for exactly this room and this person, for a short while. */
  async join(linkToken: string, device: string): Promise<JoinGrant> {
    const link = await this.deps.links.open(linkToken, device);
    const visit = await this.deps.repo.visit(link.visitId);
    if (!visit || !["accepted", "in_call"].includes(visit.status)) throw new AppError("conflict", "this consultation is not open for a call");
    // A doctor link names its doctor (we issued it): the call's own doctor, or a guest doctor let into it.
    const doctorId = link.role === "doctor" ? link.identity.slice("doctor-".length) : undefined;
    const allowed =
      (link.role === "patient" && link.identity === identityOf("patient", visit.patientId)) ||
      (doctorId !== undefined && (visit.doctorId === doctorId || (await this.deps.repo.isGuest(visit.id, doctorId)))) ||
      (link.role === "interpreter" && visit.interpreterId !== null && link.identity === identityOf("interpreter", visit.interpreterId));
    if (!allowed) throw new AppError("forbidden", "not a participant of this consultation");
    const token = await this.deps.livekit.issueToken({ room: visit.room, identity: link.identity, name: link.name, role: link.role });
    await this.deps.repo.audit({
      actor: doctorId ? { type: "doctor", id: doctorId } : link.role === "patient" ? { type: "patient", id: visit.patientId } : { type: "system" },
      action: "video.join",
      entityType: "video_visit",
      entityId: visit.id,
      meta: { role: link.role, identity: link.identity },
    });
    const grant: JoinGrant = { url: this.deps.livekit.url, token, role: link.role, visitId: visit.id, room: visit.room, language: link.language };
    if (doctorId) grant.intake = await this.intake(doctorId, visit.consultationId);
    return grant;
  }

  /**
   * A call of several doctors (a consilium): opened already accepted by `doctorId`, with `guests` let in beside
   * them; no queue and no recording question. The caller tells the patient, if invited, in its own words.
   */
  async openGroupCall(call: GroupCall): Promise<VideoVisit> {
    const { repo } = this.deps;
    const { guests, roomPrefix, ...visit } = call;
    const created = await repo.createVisit({ ...visit, appointmentId: null, status: "accepted", acceptedAt: this.deps.now(), room: `${roomPrefix}-${call.id}` });
    await repo.addGuests(created.id, guests);
    await repo.audit({ actor: { type: "doctor", id: call.doctorId }, action: "video.group.open", entityType: "video_visit", entityId: created.id, meta: { guests: guests.length } });
    return created;
  }

  /** A member doctor's own single-device link to a group call (its doctor or a guest). */
  async memberLink(doctor: Doctor, visitId: string): Promise<string> {
    const visit = await this.deps.repo.visit(visitId);
    if (!visit) throw notFound("video visit");
    if (visit.doctorId !== doctor.id && !(await this.deps.repo.isGuest(visitId, doctor.id))) throw new AppError("forbidden", "not a participant of this call");
    return this.linkUrl(visit, "doctor", doctor.id, doctor.name, doctor.languages.includes("ru") ? "ru" : doctor.languages[0]!);
  }

  /** The patient's single-device link to a call, for the caller to send in its own words. */
  async patientLinkUrl(visitId: string): Promise<string> {
    const visit = await this.deps.repo.visit(visitId);
    if (!visit) throw notFound("video visit");
    return this.linkUrl(visit, "patient", visit.patientId, "patient", visit.language);
  }

  /** Opening a link that is not the device's own is refused inside `links.open`; only the doctor's page ends the call. */
  async endFromLink(linkToken: string, device: string): Promise<void> {
    const link = await this.deps.links.open(linkToken, device);
    if (link.role !== "doctor") return;
    const visit = await this.deps.repo.visit(link.visitId);
    if (!visit) throw notFound("video visit");
    if (visit.doctorId && link.identity === identityOf("doctor", visit.doctorId)) {
      await this.end({ id: visit.doctorId, name: link.name, specialties: [], languages: [] }, visit.id);
    }
  }

  private async intake(doctorId: string, consultationId: string | null): Promise<string[]> {
    if (!consultationId) return [];
    const messages = await this.deps.repo.patientMessages(consultationId);
    await this.deps.repo.audit({
      actor: { type: "doctor", id: doctorId },
      action: "consultation.read",
      entityType: "consultation",
      entityId: consultationId,
      meta: { via: "video_call" },
    });
    return messages;
  }

  /** The doctor ends the call: LiveKit closes the room for everyone; the room_finished webhook records the end. */
  async end(doctor: Doctor, visitId: string): Promise<void> {
    const visit = await this.doctorsVisit(doctor, visitId);
    await this.deps.livekit.endRoom(visit.room);
    await this.deps.repo.transition(visitId, ["accepted", "in_call"], { status: "ended", endedAt: this.deps.now() });
  }

  /** The calls an interpreter is invited to and that have not ended. */
  async interpreterVisits(interpreterId: string) {
    const visits = await this.deps.repo.openCallsOf({ interpreterId });
    return visits.map(({ id, language, status, acceptedAt }) => ({ visitId: id, language, status, acceptedAt }));
  }

  /** The interpreter's own single-device link to a call they are invited to. */
  async interpreterLink(interpreterId: string, visitId: string): Promise<string> {
    const visit = await this.deps.repo.visit(visitId);
    if (!visit) throw notFound("video visit");
    const name = visit.interpreterId === interpreterId ? await this.deps.repo.interpreterName(interpreterId) : undefined;
    if (name === undefined) throw new AppError("forbidden", "this call has another interpreter");
    return this.linkUrl(visit, "interpreter", interpreterId, name, "ru");
  }

  /** The calls a doctor accepted or started and has not ended, for the console after a reload. */
  async activeVisitsOf(doctor: Doctor) {
    const visits = await this.deps.repo.openCallsOf({ doctorId: doctor.id });
    return visits.map(({ id, specialty, status, acceptedAt }) => ({ visitId: id, specialty, status, acceptedAt }));
  }

  async doctorsVisit(doctor: Doctor, visitId: string): Promise<VideoVisit> {
    const visit = await this.deps.repo.visit(visitId);
    if (!visit) throw notFound("video visit");
    if (visit.doctorId !== doctor.id) throw new AppError("forbidden", "this consultation belongs to another doctor");
    return visit;
  }

  /** Who came and went (LiveKit's participant events) in a visit `doctorsVisit` gave. */
  participantEvents(visit: VideoVisit) {
    return this.deps.repo.participantEvents(visit.id);
  }
}
