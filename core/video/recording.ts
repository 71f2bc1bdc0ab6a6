import { readFile, rm } from "node:fs/promises";
import { join, normalize } from "node:path";
import type { Doctor } from "../doctors/doctors";
import { AppError, notFound } from "../errors";
import type { StoredFiles } from "../files/stored-files";
import type { LiveKitPort } from "./livekit";
import type { RecordingRepository } from "./recording-repository";
import type { VideoRepository } from "./video-repository";

/** The text of the recording question in locales/<lang>/video.json (`recording.ask`); a new text, a new version. */
export const RECORDING_CONSENT_VERSION = "2026-11-23";

export interface RecordingSettings {
  /** Where the egress service writes files (a volume shared with the api), for results given as paths. */
  recordingsDir: string;
}

/**
 * Recording needs the patient's consent for this very consultation, given in the messenger before the call.
 * The check is here, on the server, for every caller: no role, not even an admin, starts Egress without it.
 */
export class Recordings {
  constructor(
    private readonly deps: { repo: RecordingRepository; visits: VideoRepository; livekit: LiveKitPort; files: StoredFiles; settings: RecordingSettings; fetch?: typeof fetch },
  ) {}

  async giveConsent(patientId: string, visitId: string, agreed: boolean): Promise<void> {
    const visit = await this.deps.visits.visit(visitId);
    if (!visit || visit.patientId !== patientId) throw notFound("video visit");
    await this.deps.repo.replaceConsent(visitId, patientId, agreed, RECORDING_CONSENT_VERSION);
  }

  async hasConsent(visitId: string): Promise<boolean> {
    return this.deps.repo.hasConsent(visitId, RECORDING_CONSENT_VERSION);
  }

  /** `actor` is whoever asks (a doctor, or an admin once staff roles exist): the consent check does not care. */
  async start(actor: Doctor, visitId: string) {
    const visit = await this.deps.visits.visit(visitId);
    if (!visit) throw notFound("video visit");
    if (!(await this.hasConsent(visitId))) {
      await this.deps.repo.audit({
        actor: { type: "doctor", id: actor.id },
        action: "video.recording.refused",
        entityType: "video_visit",
        entityId: visitId,
      });
      throw new AppError("forbidden", "the patient has not consented to recording this consultation");
    }
    if (visit.doctorId !== actor.id) throw new AppError("forbidden", "this consultation belongs to another doctor");
    if (!["accepted", "in_call"].includes(visit.status)) throw new AppError("conflict", "the call is not running");
    // the egress service writes into /out, a volume the api mounts at LIVEKIT_RECORDINGS_DIR; no subdirectory:
    // one made by egress (another user) would keep the api from deleting the plain file once it is encrypted
    const { egressId } = await this.deps.livekit.startRecording(visit.room, `/out/${visit.id}-${Date.now()}.mp4`);
    const row = await this.deps.repo.create(visitId, egressId, actor.id);
    await this.deps.repo.audit({
      actor: { type: "doctor", id: actor.id },
      action: "video.recording.start",
      entityType: "video_visit",
      entityId: visitId,
      meta: { egressId },
    });
    return { id: row.id, egressId, status: row.status };
  }

  async stop(actor: Doctor, visitId: string): Promise<void> {
    for (const recording of await this.deps.repo.list(visitId, "active")) await this.deps.livekit.stopRecording(recording.egressId);
    await this.deps.repo.audit({
      actor: { type: "doctor", id: actor.id },
      action: "video.recording.stop",
      entityType: "video_visit",
      entityId: visitId,
    });
  }

  async list(visitId: string) {
    const recordings = await this.deps.repo.list(visitId);
    return recordings.map(({ visitId: _visitId, ...recording }) => recording);
  }

  /**
   * egress_ended: the file is read (a URL the egress reports, or a path in the shared volume), stored
   * encrypted, and the plaintext copy removed. Idempotent: a stored recording is left alone.
   */
  async storeEgressResult(egressId: string, location: string | undefined): Promise<"stored" | "skipped" | "failed"> {
    const recording = await this.deps.repo.byEgress(egressId);
    if (!recording || recording.storedFileId) return "skipped";
    if (!location) {
      await this.deps.repo.finish(recording.id, { status: "failed" });
      return "failed";
    }
    const bytes = await this.readResult(location);
    const fileId = await this.deps.files.save(bytes, { mimeType: "video/mp4", fileName: `consultation-${recording.visitId}.mp4` });
    await this.deps.repo.finish(recording.id, { status: "stored", storedFileId: fileId });
    if (!/^https?:\/\//.test(location)) await rm(this.localPath(location), { force: true });
    return "stored";
  }

  private async readResult(location: string): Promise<Buffer> {
    if (/^https?:\/\//.test(location)) {
      const response = await (this.deps.fetch ?? fetch)(location);
      if (!response.ok) throw new Error(`recording download answered ${response.status}`);
      return Buffer.from(await response.arrayBuffer());
    }
    return readFile(this.localPath(location));
  }

  private localPath(location: string) {
    const path = normalize(join(this.deps.settings.recordingsDir, location.replace(/^\/?(out\/)?/, "")));
    if (!path.startsWith(normalize(this.deps.settings.recordingsDir))) throw new Error("recording path outside the recordings volume");
    return path;
  }
}
