import { readFile, rm } from "node:fs/promises";
import { join, normalize } from "node:path";
import { recordAudit } from "../audit/audit-log";
import type { Db } from "../db/prisma";
import type { Doctor } from "../doctors/doctors";
import { AppError, notFound } from "../errors";
import type { StoredFiles } from "../files/stored-files";
import type { LiveKitPort } from "./livekit";

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
    private readonly deps: { db: Db; livekit: LiveKitPort; files: StoredFiles; settings: RecordingSettings; fetch?: typeof fetch },
  ) {}

  async giveConsent(patientId: string, visitId: string, agreed: boolean): Promise<void> {
    const visit = await this.deps.db.videoVisit.findUnique({ where: { id: visitId } });
    if (!visit || visit.patientId !== patientId) throw notFound("video visit");
    await this.deps.db.$transaction(async (tx) => {
      await tx.recordingConsent.updateMany({ where: { visitId, withdrawnAt: null }, data: { withdrawnAt: new Date() } });
      if (!agreed) return;
      const consent = await tx.recordingConsent.create({ data: { visitId, patientId, version: RECORDING_CONSENT_VERSION } });
      await recordAudit(tx, {
        actor: { type: "patient", id: patientId },
        action: "consent.give",
        entityType: "recording_consent",
        entityId: consent.id,
        meta: { kind: "recording", version: RECORDING_CONSENT_VERSION, visitId },
      });
    });
  }

  async hasConsent(visitId: string): Promise<boolean> {
    const consent = await this.deps.db.recordingConsent.findFirst({
      where: { visitId, withdrawnAt: null, version: RECORDING_CONSENT_VERSION },
    });
    return consent !== null;
  }

  /** `actor` is whoever asks (a doctor, or an admin once staff roles exist): the consent check does not care. */
  async start(actor: Doctor, visitId: string) {
    const visit = await this.deps.db.videoVisit.findUnique({ where: { id: visitId } });
    if (!visit) throw notFound("video visit");
    if (!(await this.hasConsent(visitId))) {
      await recordAudit(this.deps.db, {
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
    const row = await this.deps.db.videoRecording.create({ data: { visitId, egressId, status: "active", startedById: actor.id } });
    await recordAudit(this.deps.db, {
      actor: { type: "doctor", id: actor.id },
      action: "video.recording.start",
      entityType: "video_visit",
      entityId: visitId,
      meta: { egressId },
    });
    return { id: row.id, egressId, status: row.status };
  }

  async stop(actor: Doctor, visitId: string): Promise<void> {
    const active = await this.deps.db.videoRecording.findMany({ where: { visitId, status: "active" } });
    for (const recording of active) await this.deps.livekit.stopRecording(recording.egressId);
    await recordAudit(this.deps.db, {
      actor: { type: "doctor", id: actor.id },
      action: "video.recording.stop",
      entityType: "video_visit",
      entityId: visitId,
    });
  }

  async list(visitId: string) {
    return this.deps.db.videoRecording.findMany({
      where: { visitId },
      orderBy: { startedAt: "asc" },
      select: { id: true, egressId: true, status: true, storedFileId: true, startedAt: true, endedAt: true },
    });
  }

  /**
   * egress_ended: the file is read (a URL the egress reports, or a path in the shared volume), stored
   * encrypted, and the plaintext copy removed. Idempotent: a stored recording is left alone.
   */
  async storeEgressResult(egressId: string, location: string | undefined): Promise<"stored" | "skipped" | "failed"> {
    const recording = await this.deps.db.videoRecording.findUnique({ where: { egressId } });
    if (!recording || recording.storedFileId) return "skipped";
    if (!location) {
      await this.deps.db.videoRecording.update({ where: { id: recording.id }, data: { status: "failed", endedAt: new Date() } });
      return "failed";
    }
    const bytes = await this.readResult(location);
    const fileId = await this.deps.files.save(bytes, { mimeType: "video/mp4", fileName: `consultation-${recording.visitId}.mp4` });
    await this.deps.db.videoRecording.update({
      where: { id: recording.id },
      data: { status: "stored", storedFileId: fileId, endedAt: new Date() },
    });
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
