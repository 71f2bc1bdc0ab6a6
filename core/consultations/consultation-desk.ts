import type { z } from "zod";
import { recordAudit } from "../audit/audit-log";
import type { AuditRepository } from "../audit/audit-repository";
import type { MessageAttachment } from "../channels/attachment";
import { ProcessingConsent } from "../consents/processing-consent";
import type { Doctor } from "../doctors/doctors";
import type { DoctorDirectory } from "../doctors/doctor-directory";
import { AppError, notFound } from "../errors";
import type { StoredFiles } from "../files/stored-files";
import { matchLanguage, translator } from "../i18n";
import type { Outbox } from "../outbox/outbox";
import type { InPersonVisits } from "../protocols/in-person-visits";
import { ProtocolRepository } from "../protocols/protocol-repository";
import type { ConsoleEvents } from "../realtime/console-events";
import type { StaffMember } from "../staff/staff-member";
import type { ConsultationRepository, PreviousConsultation, QueueItem, ThreadHead, ThreadMessage } from "./consultation-repository";
import { answerSchema, closeSchema, medicalOutcomes, noCareOutcomes, type fileKindSchema, type QueueFilter } from "./desk-inputs";
import type { IntakeReader, IntakeView } from "./intake-reader";

export interface Thread extends QueueItem {
  kind: ThreadHead["kind"];
  patientId: string;
  identityLevel: string;
  outcome: string | null;
  intake: IntakeView | null;
  previous: PreviousConsultation[];
  /** A recorded or imported in-person visit; without one the system cannot tell (the clinic's records may be elsewhere). */
  inPersonVisit: "yes" | "unknown";
  /** The patient withdrew consent: the console says so and only the closing notice may be sent. */
  consentWithdrawn: boolean;
  messages: ThreadMessage[];
}

type ConsultationEvent = "consultation.opened" | "consultation.message" | "consultation.taken" | "consultation.closed" | "consultation.escalated";

const actorOf = (staff: StaffMember) =>
  staff.doctor ? ({ type: "doctor", id: staff.doctor.id } as const) : ({ type: "staff", id: staff.id } as const);

function requireDoctor(staff: StaffMember): Doctor {
  if (staff.role !== "doctor" || !staff.doctor) {
    throw new AppError("forbidden", "only the treating doctors see clinical content");
  }
  return staff.doctor;
}

export interface ConsultationDeskDeps {
  consultations: ConsultationRepository;
  outbox: Outbox;
  events: ConsoleEvents;
  intake: IntakeReader;
  consent: ProcessingConsent;
  visits: InPersonVisits;
  doctors: DoctorDirectory;
  files: StoredFiles;
  audit: AuditRepository;
}

/** The console's side of asynchronous consultations: the queue, the thread, take, answer, close. */
export class ConsultationDesk {
  private readonly consultations: ConsultationRepository;

  constructor(private readonly deps: ConsultationDeskDeps) {
    this.consultations = deps.consultations;
  }

  /** Doctors see their own queue; operators and admins see every consultation's routing facts. */
  async queue(staff: StaffMember, filter: QueueFilter, now = new Date()): Promise<QueueItem[]> {
    const doctor = staff.role === "doctor" ? (staff.doctor ?? undefined) : undefined;
    const rows = await this.consultations.queue(filter, doctor, now);
    await this.audit({ actor: actorOf(staff), action: "consultation.list", entityType: "consultation", entityId: "*", meta: { ids: rows.map((row) => row.id) } });
    return rows;
  }

  private async visibleOrThrow(doctor: Doctor, consultationId: string) {
    const visibility = await this.consultations.visibility(doctor, consultationId);
    if (visibility === "hidden") throw new AppError("forbidden", "this consultation is not yours");
    if (visibility === "missing") throw notFound("consultation");
  }

  async thread(staff: StaffMember, consultationId: string): Promise<Thread> {
    const doctor = requireDoctor(staff);
    await this.visibleOrThrow(doctor, consultationId);
    const head = await this.consultations.head(consultationId);
    const [messages, previous, intake, consentAllows, visits] = await Promise.all([
      this.consultations.messages(consultationId),
      this.consultations.previous(head.patientId, consultationId),
      this.deps.intake.forConsultation(consultationId),
      this.deps.consent.allows(head.patientId),
      this.deps.visits.listForPatient(head.patientId),
    ]);
    await this.audit({ actor: { type: "doctor", id: doctor.id }, action: "consultation.read", entityType: "consultation", entityId: consultationId });
    return { ...head, intake, previous, inPersonVisit: visits.length ? "yes" : "unknown", consentWithdrawn: !consentAllows, messages };
  }

  async take(staff: StaffMember, consultationId: string): Promise<void> {
    const doctor = requireDoctor(staff);
    // One conditional update decides: of two doctors pressing "take" at once, the loser is told it is taken (409),
    // not that it is not theirs, whichever of the two checks it would otherwise reach first.
    if (!(await this.consultations.takeIfOpenTo(doctor, consultationId))) {
      const holder = await this.consultations.holder(consultationId);
      if (holder === undefined) throw notFound("consultation");
      if (holder) throw new AppError("conflict", "another doctor has already taken this consultation");
      throw new AppError("forbidden", "this consultation is not open to you");
    }
    await this.audit({ actor: { type: "doctor", id: doctor.id }, action: "consultation.take", entityType: "consultation", entityId: consultationId });
    await this.publish("consultation.taken", consultationId);
  }

  /**
   * The doctor who accepted the patient's video call has the consultation the call came from: the queue shows them,
   * not "unassigned" (issue 16). A consultation someone else already holds stays theirs.
   */
  async takeForCall(doctorId: string, consultationId: string): Promise<void> {
    if (!(await this.consultations.assign(consultationId, doctorId, true))) return;
    await this.audit({ actor: { type: "doctor", id: doctorId }, action: "consultation.take", entityType: "consultation", entityId: consultationId, meta: { by: "video.accept" } });
    await this.publish("consultation.taken", consultationId);
  }

  /** Operators route: give an open consultation to a doctor (who then sees it as theirs). */
  async assign(staff: StaffMember, consultationId: string, doctorId: string): Promise<void> {
    if (staff.role === "doctor") throw new AppError("forbidden", "operators and admins assign consultations");
    if (!(await this.deps.doctors.exists(doctorId))) throw notFound("doctor");
    if (!(await this.consultations.assign(consultationId, doctorId, false))) throw notFound("open consultation");
    await this.audit({ actor: actorOf(staff), action: "consultation.assign", entityType: "consultation", entityId: consultationId, meta: { doctorId } });
    await this.publish("consultation.taken", consultationId);
  }

  /** The doctor's answer (or follow-up question) to the patient's messenger, with files when attached. */
  async answer(staff: StaffMember, consultationId: string, input: z.input<typeof answerSchema>): Promise<ThreadMessage> {
    const doctor = requireDoctor(staff);
    const { text, followUp, fileIds } = answerSchema.parse(input);
    await this.visibleOrThrow(doctor, consultationId);
    const attachments = await this.answerFiles(doctor, consultationId, fileIds);
    const { message, outboxIds } = await this.consultations.transaction(async (consultations, tx) => {
      const consultation = await consultations.addressee(consultationId);
      if (consultation.status === "closed") throw new AppError("conflict", "consultation is closed");
      // After a withdrawal the clinic may still close the consultation (the closing notice), nothing else.
      await new ProcessingConsent(tx).require(consultation.patientId, "a reply");
      if (!(await consultations.markAnswered(doctor.id, consultationId, consultation.takenAt))) {
        throw new AppError("conflict", "another doctor has already taken this consultation");
      }
      const message = await consultations.addDoctorMessage(consultationId, doctor.id, text, attachments);
      const language = matchLanguage(consultation.patientLanguage) ?? "ru";
      const patientText = followUp
        ? translator(language, "console-patient")("follow_up", { doctorName: doctor.name, number: consultation.number, text })
        : translator(language)("doctor_reply", { doctorName: doctor.name, text });
      const outboxIds = [await this.deps.outbox.write(tx, consultation.accountId, { text: patientText, medical: true }, message.id)];
      if (attachments.length) {
        const note = translator(language, "console-patient")("files_attached", { count: attachments.length, number: consultation.number });
        // The files themselves follow the note in the patient's messenger.
        // A doctor's files are photos or PDFs (the console's upload allows no DICOM).
        const files = attachments.map(({ fileId, kind, fileName, mimeType }) => ({ fileId, kind: kind === "photo" ? kind : ("document" as const), fileName, mimeType }));
        outboxIds.push(await this.deps.outbox.write(tx, consultation.accountId, { text: note, files, medical: true }));
      }
      await recordAudit(tx, {
        actor: { type: "doctor", id: doctor.id },
        action: followUp ? "consultation.follow_up" : "consultation.reply",
        entityType: "consultation",
        entityId: consultationId,
        meta: { messageId: message.id, fileIds },
      });
      return { message, outboxIds };
    });
    for (const id of outboxIds) await this.deps.outbox.dispatch(id);
    await this.publish("consultation.message", consultationId);
    return message;
  }

  /** The files of an answer: only ones this doctor uploaded, and medical ones only to a verified patient. */
  private async answerFiles(doctor: Doctor, consultationId: string, fileIds: string[]): Promise<MessageAttachment[]> {
    // An id of another patient's photo must not leak to this patient.
    const uploads = await this.deps.audit.uploadsBy(doctor.id, fileIds);
    const files = uploads.length === fileIds.length ? await this.deps.files.describe(fileIds) : [];
    if (files.length !== fileIds.length) throw notFound("file");
    // A messenger does not know who holds the phone: medical documents go to an unverified patient only through the
    // account, after identity verification; instructions and leaflets may go by chat.
    const medical = uploads.some((u) => u.kind !== "leaflet");
    if (medical && (await this.consultations.identityLevel(consultationId)) !== "verified") {
      throw new AppError("forbidden", "the patient's identity is not verified: medical documents reach them only through the account after verification; only leaflets and instructions may be sent in the chat");
    }
    return files.map((f) => ({
      fileId: f.id,
      kind: f.mimeType.startsWith("image/") ? "photo" : "document",
      mimeType: f.mimeType,
      fileName: f.fileName,
      size: f.size,
    }));
  }

  async close(staff: StaffMember, consultationId: string, input: z.input<typeof closeSchema>): Promise<void> {
    const doctor = requireDoctor(staff);
    const { outcome } = closeSchema.parse(input);
    await this.visibleOrThrow(doctor, consultationId);
    const medicalCare = (medicalOutcomes as readonly string[]).includes(outcome);
    const outboxId = await this.consultations.transaction(async (consultations, tx) => {
      const signedId = await new ProtocolRepository(tx).latestSignedId(consultationId);
      if (medicalCare && !signedId) {
        throw new AppError("conflict", `sign the protocol before closing with "${outcome}", or close with an outcome where no medical care was given (${noCareOutcomes.join(", ")})`);
      }
      if (!(await consultations.close(doctor.id, consultationId, outcome))) {
        throw new AppError("conflict", "only the doctor who took an open consultation can close it");
      }
      const consultation = await consultations.addressee(consultationId);
      const t = translator(matchLanguage(consultation.patientLanguage) ?? "ru", "console-patient");
      await recordAudit(tx, { actor: { type: "doctor", id: doctor.id }, action: "consultation.close", entityType: "consultation", entityId: consultationId, meta: { outcome, medicalCare, protocolId: signedId ?? null } });
      return this.deps.outbox.write(tx, consultation.accountId, {
        text: t("closed", { number: consultation.number, outcome: t(`outcome.${outcome}`) }),
      });
    });
    await this.deps.outbox.dispatch(outboxId);
    await this.publish("consultation.closed", consultationId);
  }

  /** A doctor's file for a later answer, its kind kept in the audit row (which `answerFiles` checks). */
  async keepFile(doctor: Doctor, bytes: Buffer, meta: { mimeType: string; fileName: string; kind: z.infer<typeof fileKindSchema> }): Promise<string> {
    const id = await this.deps.files.save(bytes, { mimeType: meta.mimeType, fileName: meta.fileName });
    await this.audit({ actor: { type: "doctor", id: doctor.id }, action: "file.upload", entityType: "file", entityId: id, meta: { kind: meta.kind } });
    return id;
  }

  /** An attachment of a consultation the doctor may see; the download is audited by the caller's action. */
  async authorizeFile(staff: StaffMember, consultationId: string, fileId: string): Promise<void> {
    const doctor = requireDoctor(staff);
    await this.visibleOrThrow(doctor, consultationId);
    const messages = await this.consultations.messages(consultationId);
    if (!messages.some((m) => m.attachments.some((a) => a.fileId === fileId))) throw notFound("file");
    await this.audit({ actor: { type: "doctor", id: doctor.id }, action: "file.download", entityType: "file", entityId: fileId, meta: { consultationId } });
  }

  async publish(type: ConsultationEvent, consultationId: string) {
    const routing = await this.consultations.routing(consultationId);
    if (routing) await this.deps.events.publish({ type, consultationId, ...routing });
  }

  private audit(entry: Parameters<typeof recordAudit>[1]) {
    return this.deps.audit.record(entry);
  }
}
