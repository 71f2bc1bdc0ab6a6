import type { ConsultationDesk } from "../../core/consultations/consultation-desk";
import { CallLinks } from "../../core/video/call-links";
import { LiveKit, type LiveKitPort } from "../../core/video/livekit";
import { LiveKitWebhooks } from "../../core/video/livekit-webhooks";
import { AttendanceRepository } from "../../core/video/attendance-repository";
import { InPersonAttendance } from "../../core/video/in-person-attendance";
import { Recordings } from "../../core/video/recording";
import { DutyNow } from "../../core/rota/duty-now";
import { DutyNowRepository } from "../../core/rota/duty-now-repository";
import { ReferralSlotOffer } from "../../core/video/referral-offer";
import { RecordingRepository } from "../../core/video/recording-repository";
import { SlotRepository } from "../../core/video/slot-repository";
import { SlotBooking } from "../../core/video/slots";
import { VideoPatientFlow } from "../../core/video/video-buttons";
import { VideoEvents } from "../../core/video/video-events";
import { VideoRepository } from "../../core/video/video-repository";
import { VideoService } from "../../core/video/video-service";
import { enqueueEgress, enqueueQueueUpdate, enqueueReferralSlots, videoQueue } from "../../workers/video.worker";
import type { Foundation } from "./foundation";
import type { careWiring } from "./care";

/** Video consultations: the waiting queue, calls through LiveKit, recordings; booked slots, video and in person. */
export function videoWiring(
  { config, db, redis, notifier, files, queues, unitOfWork }: Foundation,
  desk: ConsultationDesk,
  care: Pick<ReturnType<typeof careWiring>, "reminders" | "protocols">,
) {
  const queue = queues.open(videoQueue);
  const livekit: LiveKitPort = new LiveKit({
    url: config.LIVEKIT_URL,
    apiKey: config.LIVEKIT_API_KEY,
    apiSecret: config.LIVEKIT_API_SECRET,
    tokenTtlSeconds: config.LIVEKIT_TOKEN_TTL_SECONDS,
    apiUrl: config.LIVEKIT_API_URL,
  });
  const videoEvents = new VideoEvents(redis, config.REDIS_PREFIX, unitOfWork.afterCommit);
  const callLinks = new CallLinks(redis, config.REDIS_PREFIX, config.VIDEO_LINK_TTL_SECONDS);
  const repo = new VideoRepository(db);
  const dutyNow = new DutyNow(new DutyNowRepository(db));
  const video = new VideoService({
    repo,
    redis,
    prefix: config.REDIS_PREFIX,
    events: videoEvents,
    links: callLinks,
    livekit,
    notifier,
    queueUpdates: { enqueue: (specialty, language) => unitOfWork.afterCommit(() => enqueueQueueUpdate(queue, specialty, language)) },
    duty: dutyNow,
    settings: { publicUrl: config.PUBLIC_URL, defaultConsultMinutes: config.VIDEO_DEFAULT_CONSULT_MINUTES, claimTtlMs: 60_000 },
    // One clock for who is on duty and for the queue's estimates and calls (tests pin `dutyNow.clock`).
    now: () => dutyNow.clock(),
    onAccepted: (doctorId, consultationId) => desk.takeForCall(doctorId, consultationId),
  });
  const recordings = new Recordings({ repo: new RecordingRepository(db), visits: repo, livekit, files, settings: { recordingsDir: config.LIVEKIT_RECORDINGS_DIR } });
  const slotRepo = new SlotRepository(db);
  // Booking, moving and cancelling keep the appointment's reminders in step (core/reminders).
  const slots = new SlotBooking({ repo: slotRepo, reminders: care.reminders });
  const videoFlow = new VideoPatientFlow({ repo, video, slots, recordings });
  return {
    videoJobs: videoQueue,
    livekit,
    videoEvents,
    callLinks,
    video,
    dutyNow,
    recordings,
    slots,
    videoFlow,
    attendance: new InPersonAttendance({ repo: new AttendanceRepository(db), recorders: config.IN_PERSON_VISIT_RECORDERS }),
    referralOffer: new ReferralSlotOffer({
      protocols: care.protocols,
      flow: videoFlow,
      repo,
      consultationSpecialty: (id) => slotRepo.consultationSpecialty(id),
      notifier,
    }),
    /** After a signature (bin/compose/care.ts): the referral's slots are offered by the video worker. */
    offerReferralSlots: (protocolId: string) => enqueueReferralSlots(queue, protocolId),
    livekitWebhooks: new LiveKitWebhooks({ repo, egressJobs: { enqueue: (egressId, location) => enqueueEgress(queue, egressId, location) } }),
  };
}
