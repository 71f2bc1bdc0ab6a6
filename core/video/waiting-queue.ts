import type { Redis } from "ioredis";
import { z } from "zod";
import type { Doctor } from "../doctors/doctors";
import { AppError, notFound } from "../errors";
import { redisKeys } from "../redis-keys";
import { CLINIC_LANGUAGE, type DutyNow, type Uncovered } from "../rota/duty-now";
import type { VideoEvents } from "./video-events";
import type { VideoRepository, VideoVisit } from "./video-repository";
import { readQueueOutlook } from "./queue-outlook";
import { estimateWaits, toldWait } from "./wait-estimate";

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
  /** The median expected wait; undefined when no doctor is expected on duty within the estimate's horizon. */
  minutes: number | undefined;
  /** Told instead of "about N minutes" when the wait is uncertain. */
  range?: { from: number; to: number };
}

export type RequestOutcome =
  | ({ kind: "queued" } & QueueStatus)
  /** Nobody who speaks the patient's language is on duty: the patient chooses from what there is (never a silent wait). */
  | { kind: "uncovered"; visitId: string; duty: Uncovered }
  /** The same for an urgent case: not held, but queued at once for the first free doctor, with an interpreter. */
  | ({ kind: "urgent_any_language"; duty: Uncovered } & QueueStatus)
  | { kind: "already"; visitId: string; status: string };

/** Urgent visits (a red flag in triage) are scored this far back in time, so they queue before every routine one. */
const URGENT_AHEAD_MS = 100 * 365 * 24 * 3600_000;
/** A language-specific queue, except that patients with an interpreter wait for Russian-speaking doctors. */
export const servedLanguage = (visit: { language: string; needsInterpreter: boolean }) => (visit.needsInterpreter ? CLINIC_LANGUAGE : visit.language);

/**
 * The waiting queue: patients wait per specialty + language in a Redis sorted set by arrival (Postgres holds the
 * truth of each visit); each is told their position and an estimate, again whenever it changes materially.
 */
export class WaitingQueue {
  private readonly keys: ReturnType<typeof redisKeys>;

  constructor(
    private readonly deps: {
      repo: VideoRepository;
      redis: Redis;
      prefix: string;
      events: VideoEvents;
      duty: Pick<DutyNow, "duty">;
      queueUpdates: QueueUpdates;
      defaultConsultMinutes: number;
      now: () => Date;
    },
  ) {
    this.keys = redisKeys(deps.prefix);
  }

  /** A patient asks for a video consultation now. */
  async requestVideo(input: z.input<typeof videoRequestSchema>): Promise<RequestOutcome> {
    const request = videoRequestSchema.parse(input);
    const existing = await this.deps.repo.activeVisitOf(request.patientId);
    if (existing?.status === "waiting") {
      const status = await this.queueStatus(existing.id);
      if (status) return { kind: "queued", ...status };
      // In no queue yet: the patient has not chosen while nobody who speaks their language was on duty. Ask again,
      // or queue them now that someone is.
      const duty = await this.dutyFor(existing);
      return duty.covered ? { kind: "queued", ...(await this.enqueue(existing.id)) } : { kind: "uncovered", visitId: existing.id, duty };
    }
    if (existing) return { kind: "already", visitId: existing.id, status: existing.status };
    const language = await this.deps.repo.patientLanguage(request.patientId);
    const id = crypto.randomUUID();
    const visit = await this.deps.repo.createVisit({
      id,
      patientId: request.patientId,
      accountId: request.accountId,
      consultationId: request.consultationId ?? null,
      appointmentId: null,
      specialty: request.specialty,
      language,
      room: `visit-${id}`,
    });
    await this.deps.repo.audit({
      actor: { type: "patient", id: request.patientId },
      action: "video.request",
      entityType: "video_visit",
      entityId: visit.id,
      meta: { specialty: request.specialty },
    });
    const duty = await this.deps.duty.duty(request.specialty, language);
    const urgent = await this.deps.repo.isUrgent(visit.id);
    // An urgent Russian speaker has no other queue to go to: theirs is served first whoever comes on duty.
    if (duty.covered || (urgent && language === CLINIC_LANGUAGE)) return { kind: "queued", ...(await this.enqueue(visit.id)) };
    if (!urgent) return { kind: "uncovered", visitId: visit.id, duty };
    // A red flag is never held for a language: the Russian-speaking doctors' queue, urgent first, an interpreter invited.
    await this.deps.repo.needsInterpreter(visit.id);
    return { kind: "urgent_any_language", duty, ...(await this.enqueue(visit.id)) };
  }

  /** The patient's answer when nobody speaking their language is on duty: a queue (a written question is `leave`). */
  async chooseRoute(patientId: string, visitId: string, route: "interpreter" | "wait"): Promise<QueueStatus> {
    const visit = await this.ownVisit(patientId, visitId);
    if (visit.status !== "waiting") throw new AppError("conflict", "the visit is no longer waiting");
    if (route === "interpreter") await this.deps.repo.needsInterpreter(visitId);
    return this.enqueue(visitId);
  }

  /** What is on duty now for the visit's specialty and language. */
  dutyFor(visit: Pick<VideoVisit, "specialty" | "language">) {
    return this.deps.duty.duty(visit.specialty, visit.language);
  }

  async leave(patientId: string, visitId: string): Promise<boolean> {
    const visit = await this.ownVisit(patientId, visitId);
    if (!(await this.deps.repo.transition(visitId, ["waiting"], { status: "left", endedAt: this.deps.now() }))) return false;
    await this.remove(visit, { type: "withdrawn", visitId });
    await this.retell(visit);
    return true;
  }

  /** Takes a visit out of its queue (left, or taken by a doctor), tells the consoles and the others waiting. */
  async remove(visit: VideoVisit, event: { type: "withdrawn"; visitId: string } | { type: "taken"; visitId: string; doctorId: string }): Promise<void> {
    await this.deps.redis.zrem(this.keys.videoQueue(visit.specialty, servedLanguage(visit)), visit.id);
    await this.deps.redis.hdel(this.keys.videoNotices, visit.id);
    await this.deps.events.publish(event);
  }

  /** Tells the others waiting in the visit's queue their new places (after `remove` and whatever followed it). */
  retell(visit: VideoVisit): Promise<void> {
    return this.deps.queueUpdates.enqueue(visit.specialty, servedLanguage(visit));
  }

  private async enqueue(visitId: string): Promise<QueueStatus> {
    const visit = (await this.deps.repo.visit(visitId))!;
    const language = servedLanguage(visit);
    const urgent = await this.deps.repo.isUrgent(visitId);
    const score = visit.requestedAt.getTime() - (urgent ? URGENT_AHEAD_MS : 0);
    await this.deps.redis.zadd(this.keys.videoQueue(visit.specialty, language), "NX", score, visitId);
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

  /** What the patient was last told about their place in the queue. */
  async lastNotice(visitId: string): Promise<{ position: number; minutes: number | undefined } | undefined> {
    const raw = await this.deps.redis.hget(this.keys.videoNotices, visitId);
    if (!raw) return undefined;
    const parsed = JSON.parse(raw) as { position: number; minutes: number | null };
    return { position: parsed.position, minutes: parsed.minutes ?? undefined };
  }

  async recordNotice(status: QueueStatus): Promise<void> {
    await this.deps.redis.hset(this.keys.videoNotices, status.visitId, JSON.stringify({ position: status.position, minutes: status.minutes ?? null }));
  }

  /** Everyone waiting in one queue with their position and estimate, in order. */
  async queueSnapshot(specialty: string, language: string): Promise<QueueStatus[]> {
    const ids = await this.deps.redis.zrange(this.keys.videoQueue(specialty, language), 0, -1);
    if (ids.length === 0) return [];
    const outlook = await readQueueOutlook(this.deps, { specialty, language, waiting: ids.length });
    const estimates = estimateWaits(outlook);
    return ids.map((visitId, index) => ({ visitId, position: index + 1, ...toldWait(estimates[index]) }));
  }

  /** The patient of a visit still waiting, else undefined. */
  async waitingPatient(visitId: string): Promise<string | undefined> {
    const visit = await this.deps.repo.visit(visitId);
    return visit?.status === "waiting" ? visit.patientId : undefined;
  }

  async queueStatus(visitId: string): Promise<QueueStatus | undefined> {
    const visit = await this.deps.repo.visit(visitId);
    if (!visit || visit.status !== "waiting") return undefined;
    const snapshot = await this.queueSnapshot(visit.specialty, servedLanguage(visit));
    return snapshot.find((s) => s.visitId === visitId);
  }

  /** Requests a doctor could take now: their specialties and languages, urgent ones first. */
  async openRequestsFor(doctor: Doctor) {
    const visits = await this.deps.repo.waitingFor(doctor.specialties);
    return visits
      .filter((v) => doctor.languages.includes(servedLanguage(v)))
      .map((v) => ({
        visitId: v.id,
        specialty: v.specialty,
        language: servedLanguage(v),
        needsInterpreter: v.needsInterpreter,
        requestedAt: v.requestedAt,
        urgent: v.urgent,
      }))
      .sort((a, b) => Number(b.urgent) - Number(a.urgent));
  }

  async ownVisit(patientId: string, visitId: string): Promise<VideoVisit> {
    const visit = await this.deps.repo.visit(visitId);
    if (!visit || visit.patientId !== patientId) throw notFound("video visit");
    return visit;
  }
}
