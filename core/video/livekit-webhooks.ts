import type { WebhookEvent } from "livekit-server-sdk";
import type { Db } from "../db/prisma";
import { isUniqueViolation } from "../db/prisma";

/** Hands "store this egress result" to a worker (downloading and encrypting a recording takes time). */
export interface EgressJobs {
  enqueue(egressId: string, location: string | undefined): Promise<void>;
}

/**
 * LiveKit's webhooks: who joined and left when, and the consultation's actual start, end and duration.
 * The call starts when the patient and the doctor are both in the room and ends when the room closes.
 */
export class LiveKitWebhooks {
  constructor(private readonly deps: { db: Db; egressJobs: EgressJobs }) {}

  /** "duplicate" for an event id seen before: LiveKit does not promise to deliver once. */
  async handle(event: WebhookEvent): Promise<"processed" | "duplicate" | "ignored"> {
    try {
      await this.deps.db.livekitWebhookEvent.create({ data: { id: event.id, event: event.event } });
    } catch (error) {
      if (isUniqueViolation(error)) return "duplicate";
      throw error;
    }
    const at = new Date(Number(event.createdAt) * 1000 || Date.now());
    if (event.event === "egress_ended" && event.egressInfo) {
      const info = event.egressInfo;
      const file = info.fileResults?.[0];
      await this.deps.egressJobs.enqueue(info.egressId, file?.location || file?.filename || undefined);
      return "processed";
    }
    const roomName = event.room?.name;
    if (!roomName) return "ignored";
    const visit = await this.deps.db.videoVisit.findUnique({ where: { room: roomName } });
    if (!visit) return "ignored";

    if ((event.event === "participant_joined" || event.event === "participant_left") && event.participant) {
      const kind = event.event === "participant_joined" ? "joined" : "left";
      await this.deps.db.videoParticipantEvent.create({
        data: { visitId: visit.id, identity: event.participant.identity, kind, at },
      });
      if (kind === "joined" && !visit.startedAt && (await this.bothPresent(visit.id))) {
        await this.deps.db.videoVisit.update({ where: { id: visit.id }, data: { startedAt: at, status: "in_call" } });
      }
      return "processed";
    }
    if (event.event === "room_finished") {
      const endedAt = at;
      const durationSeconds = visit.startedAt ? Math.max(0, Math.round((endedAt.getTime() - visit.startedAt.getTime()) / 1000)) : null;
      await this.deps.db.videoVisit.update({
        where: { id: visit.id },
        data: { status: "ended", endedAt, durationSeconds },
      });
      return "processed";
    }
    return "ignored";
  }

  private async bothPresent(visitId: string): Promise<boolean> {
    const events = await this.deps.db.videoParticipantEvent.findMany({ where: { visitId }, orderBy: { at: "asc" } });
    const inRoom = new Set<string>();
    for (const e of events) {
      if (e.kind === "joined") inRoom.add(e.identity);
      else inRoom.delete(e.identity);
    }
    const ids = [...inRoom];
    return ids.some((i) => i.startsWith("patient-")) && ids.some((i) => i.startsWith("doctor-"));
  }
}
