import type { WebhookEvent } from "livekit-server-sdk";
import type { VideoRepository } from "./video-repository";

/** Hands "store this egress result" to a worker (downloading and encrypting a recording takes time). */
export interface EgressJobs {
  enqueue(egressId: string, location: string | undefined): Promise<void>;
}

/**
 * LiveKit's webhooks: who joined and left when, and the consultation's actual start, end and duration.
 * The call starts when the patient and the doctor are both in the room and ends when the room closes.
 */
export class LiveKitWebhooks {
  constructor(private readonly deps: { repo: VideoRepository; egressJobs: EgressJobs }) {}

  /** "duplicate" for an event id seen before: LiveKit does not promise to deliver once. */
  async handle(event: WebhookEvent): Promise<"processed" | "duplicate" | "ignored"> {
    if (!(await this.deps.repo.firstWebhook(event.id, event.event))) return "duplicate";
    const at = new Date(Number(event.createdAt) * 1000 || Date.now());
    if (event.event === "egress_ended" && event.egressInfo) {
      const info = event.egressInfo;
      const file = info.fileResults?.[0];
      await this.deps.egressJobs.enqueue(info.egressId, file?.location || file?.filename || undefined);
      return "processed";
    }
    const roomName = event.room?.name;
    if (!roomName) return "ignored";
    const visit = await this.deps.repo.visitInRoom(roomName);
    if (!visit) return "ignored";

    if ((event.event === "participant_joined" || event.event === "participant_left") && event.participant) {
      const kind = event.event === "participant_joined" ? "joined" : "left";
      await this.deps.repo.addParticipantEvent(visit.id, event.participant.identity, kind, at);
      if (kind === "joined" && !visit.startedAt && (await this.bothPresent(visit.id))) {
        await this.deps.repo.recordCallTimes(visit.id, { startedAt: at });
      }
      return "processed";
    }
    if (event.event === "room_finished") {
      const endedAt = at;
      const durationSeconds = visit.startedAt ? Math.max(0, Math.round((endedAt.getTime() - visit.startedAt.getTime()) / 1000)) : null;
      await this.deps.repo.recordCallTimes(visit.id, { endedAt, durationSeconds });
      return "processed";
    }
    return "ignored";
  }

  private async bothPresent(visitId: string): Promise<boolean> {
    const events = await this.deps.repo.participantEvents(visitId);
    const inRoom = new Set<string>();
    for (const e of events) {
      if (e.kind === "joined") inRoom.add(e.identity);
      else inRoom.delete(e.identity);
    }
    const ids = [...inRoom];
    return ids.some((i) => i.startsWith("patient-")) && ids.some((i) => i.startsWith("doctor-"));
  }
}
