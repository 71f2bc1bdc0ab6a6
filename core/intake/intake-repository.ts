import type { IntakeReader, IntakeView } from "../consultations/intake-reader";
import type { Db } from "../db/prisma";
import { matchLanguage } from "../i18n";
import type { PatientAccount } from "../patients/patient-repository";
import { examResultSchema, type ExamResult } from "../exam/exam-result";
import type { Answer, ComplaintArea } from "./questionnaire";

export const intakeSteps = ["area", "question", "exam", "format", "done"] as const;
export type IntakeStep = (typeof intakeSteps)[number];

export interface IntakeState {
  id: string;
  patientId: string;
  accountId: string;
  step: IntakeStep;
  complaint: string;
  area: ComplaintArea | null;
  questionIndex: number;
  answers: Answer[];
  exam: ExamResult | null;
  redFlags: string[];
  /** The red-flag rule set the last triage decision was made with (see RedFlagRules.current). */
  redFlagRulesVersion: string | null;
  urgent: boolean;
  consultationId: string | null;
  format: string | null;
}

type Row = Omit<IntakeState, "step" | "area" | "answers" | "exam"> & { step: string; area: string | null; answers: unknown; exam: unknown };

const toState = (row: Row): IntakeState => ({
  ...row,
  step: row.step as IntakeStep,
  area: row.area as ComplaintArea | null,
  answers: row.answers as Answer[],
  exam: row.exam ? examResultSchema.parse(row.exam) : null,
});

const select = {
  id: true, patientId: true, accountId: true, step: true, complaint: true, area: true, questionIndex: true,
  answers: true, exam: true, redFlags: true, redFlagRulesVersion: true, urgent: true, consultationId: true, format: true,
} as const;

/** The Intake table: one unfinished intake per patient at a time. */
export class IntakeRepository implements IntakeReader {
  constructor(private readonly db: Db) {}

  async active(patientId: string): Promise<IntakeState | undefined> {
    const row = await this.db.intake.findFirst({ where: { patientId, step: { not: "done" } }, orderBy: { createdAt: "desc" }, select });
    return row ? toState(row) : undefined;
  }

  async byId(id: string): Promise<IntakeState | undefined> {
    const row = await this.db.intake.findUnique({ where: { id }, select });
    return row ? toState(row) : undefined;
  }

  async start(patientId: string, accountId: string, complaint: string): Promise<IntakeState> {
    return toState(await this.db.intake.create({ data: { patientId, accountId, complaint, step: "area" }, select }));
  }

  async update(id: string, change: Partial<Omit<IntakeState, "id" | "patientId" | "accountId">>): Promise<IntakeState> {
    const { exam, answers, ...rest } = change;
    const row = await this.db.intake.update({
      where: { id },
      data: { ...rest, ...(answers ? { answers } : {}), ...(exam ? { exam } : {}) },
      select,
    });
    return toState(row);
  }

  /**
   * After a consent is withdrawn processing stops: unfinished intakes not yet in a consultation are deleted,
   * and one a red flag already attached to a consultation (part of the medical record) is closed as it is.
   */
  async discardUnfinished(patientId: string): Promise<void> {
    const unfinished = { patientId, step: { not: "done" } };
    await this.db.$transaction([
      this.db.intake.deleteMany({ where: { ...unfinished, consultationId: null } }),
      this.db.intake.updateMany({ where: unfinished, data: { step: "done" } }),
    ]);
  }

  /** The patient behind a Telegram user id (a Mini App names the user, not the account). */
  async telegramAccount(externalUserId: string): Promise<PatientAccount | undefined> {
    const row = await this.db.messengerAccount.findUnique({
      where: { channel_externalUserId: { channel: "telegram", externalUserId } },
      include: { patient: { select: { language: true } } },
    });
    if (!row) return undefined;
    return { accountId: row.id, patientId: row.patientId, channel: row.channel, chatId: row.chatId, language: matchLanguage(row.patient.language) ?? "ru" };
  }

  async forConsultation(consultationId: string): Promise<IntakeView | null> {
    const row = await this.db.intake.findUnique({ where: { consultationId }, select });
    if (!row) return null;
    const state = toState(row);
    return {
      complaint: state.complaint,
      area: state.area,
      answers: state.answers,
      exam: state.exam,
      redFlags: state.redFlags,
      urgent: state.urgent,
    };
  }
}
