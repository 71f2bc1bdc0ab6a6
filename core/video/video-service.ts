import type { Redis } from "ioredis";
import type { PatientNotifier } from "../patients/patient-notifier";
import { CallAccess } from "./call-access";
import type { CallLinks } from "./call-links";
import { DutyShifts } from "./duty-shifts";
import type { LiveKitPort } from "./livekit";
import type { DutyNow } from "../rota/duty-now";
import type { VideoEvents } from "./video-events";
import type { VideoRepository } from "./video-repository";
import { WaitingQueue, type QueueUpdates } from "./waiting-queue";

export interface VideoSettings {
  publicUrl: string;
  defaultConsultMinutes: number;
  /** How long a won claim keeps others out while the winner's database write lands. */
  claimTtlMs: number;
}

/**
 * Video consultations now: the on-call pool (`shifts`), the waiting queue (`queue`) and who gets into a call
 * (`calls`), on one clock. The methods below are what the call page's routes (another module's) and the tests
 * call on the whole.
 */
export class VideoService {
  readonly shifts: DutyShifts;
  readonly queue: WaitingQueue;
  readonly calls: CallAccess;

  constructor(deps: {
    repo: VideoRepository;
    redis: Redis;
    prefix: string;
    events: VideoEvents;
    links: CallLinks;
    livekit: LiveKitPort;
    notifier: PatientNotifier;
    queueUpdates: QueueUpdates;
    /** Who is on duty now for a specialty and language (core/rota). */
    duty: Pick<DutyNow, "duty">;
    settings: VideoSettings;
    now?: () => Date;
    /** Gives the call's consultation to the doctor who accepted it (wired to ConsultationDesk.takeForCall). */
    onAccepted?: (doctorId: string, consultationId: string) => Promise<void>;
  }) {
    const now = deps.now ?? (() => new Date());
    const { repo, redis, prefix } = deps;
    this.shifts = new DutyShifts(repo, now);
    this.queue = new WaitingQueue({ repo, redis, prefix, events: deps.events, duty: deps.duty, queueUpdates: deps.queueUpdates, defaultConsultMinutes: deps.settings.defaultConsultMinutes, now });
    this.calls = new CallAccess({
      repo,
      redis,
      prefix,
      queue: this.queue,
      links: deps.links,
      livekit: deps.livekit,
      notifier: deps.notifier,
      publicUrl: deps.settings.publicUrl,
      claimTtlMs: deps.settings.claimTtlMs,
      now,
      onAccepted: deps.onAccepted,
    });
  }

  requestVideo: WaitingQueue["requestVideo"] = (input) => this.queue.requestVideo(input);
  queueSnapshot: WaitingQueue["queueSnapshot"] = (specialty, language) => this.queue.queueSnapshot(specialty, language);
  openRequestsFor: WaitingQueue["openRequestsFor"] = (doctor) => this.queue.openRequestsFor(doctor);
  accept: CallAccess["accept"] = (doctor, visitId) => this.calls.accept(doctor, visitId);
  doctorLink: CallAccess["doctorLink"] = (doctor, visitId) => this.calls.doctorLink(doctor, visitId);
  join: CallAccess["join"] = (token, device) => this.calls.join(token, device);
  endFromLink: CallAccess["endFromLink"] = (token, device) => this.calls.endFromLink(token, device);
}
