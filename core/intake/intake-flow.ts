import type { TFunction } from "i18next";
import type { OutgoingButton, OutgoingMessage } from "../channels/channel";
import { acceptedReply } from "../consultations/accepted-reply";
import type { ConsultationService } from "../consultations/consultation-service";
import type { ButtonHandler } from "../dialogue/handlers";
import { durationSchema, type ExamResult } from "../exam/exam-result";
import type { PatientAccount } from "../patients/patient-repository";
import { isRegionGroup, regionGroups } from "./exam-fallback";
import type { ConsultationFormat, IntakeConsultations } from "./intake-consultations";
import type { IntakeRepository, IntakeState } from "./intake-repository";
import { askArea, askDuration, askExam, askFormat, askQuestion, askRegionGroup, askSeverity, emergency, urgent } from "./intake-prompts";
import { complaintAreaSchema, parseAnswer, questionsFor, type Answer, type Question } from "./questionnaire";
import type { RedFlagRules } from "./red-flag-rules";
import { dispositionOf, matchingRules, type RedFlagRule } from "./red-flags";
import { raisedFlags, wordingModelFlag } from "./triage";

export interface IntakeFlowDeps {
  intakes: IntakeRepository;
  consultations: IntakeConsultations;
  messages: Pick<ConsultationService, "acceptPatientMessage">;
  redFlags: Pick<RedFlagRules, "current">;
  /** The formats other modules run, injected by the composition root so the intake stays decoupled. */
  formats: {
    videoNow(account: PatientAccount, consultationId: string): Promise<OutgoingMessage[]>;
    appointment(account: PatientAccount): Promise<OutgoingMessage[]>;
    /** Who will answer a written question, when no doctor who speaks the patient's language is on duty now. */
    written(account: PatientAccount, consultationId: string, urgent: boolean): Promise<OutgoingMessage[]>;
  };
  /** The body-map page as a Mini App or signed link; absent when the api cannot serve it. */
  examButton?(account: PatientAccount, intakeId: string, label: string): Promise<OutgoingButton>;
}

const formats: ConsultationFormat[] = ["async", "video", "appointment", "second_opinion"];

/**
 * The conversational intake after both consents: complaint → area → questionnaire → examination → format.
 * Every text is also checked for red flags first: the emergency instructions go out before anything else.
 */
export class IntakeFlow {
  constructor(private readonly deps: IntakeFlowDeps) {}

  /** A patient's text after consents: joins an open consultation, answers the intake, or starts one. */
  async onText(account: PatientAccount, text: string, t: TFunction): Promise<OutgoingMessage[]> {
    const { intakes, consultations } = this.deps;
    const intake = await intakes.active(account.patientId);
    if (!intake && (await consultations.hasOpen(account.patientId))) {
      const { raised } = await this.redFlagsIn(account, [text], []);
      const disposition = dispositionOf(raised);
      if (disposition) await consultations.markUrgent(account.patientId);
      const accepted = await this.deps.messages.acceptPatientMessage(account.patientId, account.accountId, text);
      const alarm = disposition === "emergency" ? [emergency(t)] : disposition === "urgent" ? [urgent(t)] : [];
      return [...alarm, acceptedReply(t, accepted)];
    }
    if (!intake) {
      const started = await intakes.start(account.patientId, account.accountId, text);
      const alarm = await this.raiseRedFlags(account, started, [text], t, "complaint");
      return [...alarm.messages, askArea(t)];
    }
    const question = intake.step === "question" ? this.currentQuestion(intake) : undefined;
    if (question && (question.type === "number" || question.type === "text")) return this.answer(account, intake, question, text, t);
    // Anything else the patient types is kept as part of the complaint, and the pending step is asked again.
    const updated = await intakes.update(intake.id, { complaint: `${intake.complaint}\n${text}` });
    const alarm = await this.raiseRedFlags(account, updated, [text], t, "complaint");
    return [...alarm.messages, { text: t("intake.added") }, await this.ask(account, alarm.intake, t)];
  }

  async resume(account: PatientAccount, t: TFunction): Promise<OutgoingMessage | undefined> {
    const intake = await this.deps.intakes.active(account.patientId);
    return intake ? this.ask(account, intake, t) : undefined;
  }

  readonly buttons: ButtonHandler = {
    prefix: "intake",
    requiresConsent: true,
    handle: async (account, data, t) => {
      const intake = await this.deps.intakes.active(account.patientId);
      if (!intake) return [{ text: t("intake.stale") }];
      const [, action, ...args] = data.split(":");
      switch (action) {
        case "area": return this.chooseArea(account, intake, args[0] ?? "", t);
        case "ans": return this.answerButton(account, intake, Number(args[0]), args[1] ?? "", t);
        case "skipq": return this.advance(account, intake, intake.answers, t);
        case "exam": return this.examButton(account, intake, args[0] ?? "", t);
        case "sev": return [this.askDuration(args[0] ?? "", Number(args[1]), t)];
        case "dur": return this.fallbackExamDone(account, intake, args, t);
        case "fmt": return this.chooseFormat(account, intake, args[0] ?? "", t);
        default: return [{ text: t("intake.stale") }];
      }
    },
  };

  /** The body-map page stored an examination: the intake moves on to the format choice. */
  async examSubmitted(account: PatientAccount, intakeId: string, exam: ExamResult, t: TFunction): Promise<OutgoingMessage[] | undefined> {
    const intake = await this.deps.intakes.byId(intakeId);
    // Accepted while the examination or the format choice is pending (the patient may have skipped in the chat).
    if (!intake || intake.patientId !== account.patientId || (intake.step !== "exam" && intake.step !== "format")) return undefined;
    await this.deps.intakes.update(intake.id, { exam, step: "format" });
    return [{ text: t("intake.exam.saved") }, askFormat(formats, t)];
  }

  private async chooseArea(account: PatientAccount, intake: IntakeState, raw: string, t: TFunction) {
    const area = complaintAreaSchema.safeParse(raw);
    if (intake.step !== "area" || !area.success) return [await this.ask(account, intake, t)];
    const updated = await this.deps.intakes.update(intake.id, { area: area.data, step: "question", questionIndex: 0 });
    return [await this.ask(account, updated, t)];
  }

  private async answerButton(account: PatientAccount, intake: IntakeState, index: number, raw: string, t: TFunction) {
    const question = this.currentQuestion(intake);
    // A button under an older question: ask the current step again rather than record a wrong answer.
    if (!question || index !== intake.questionIndex) return [await this.ask(account, intake, t)];
    return this.answer(account, intake, question, raw, t);
  }

  private async answer(account: PatientAccount, intake: IntakeState, question: Question, raw: string, t: TFunction) {
    const value = parseAnswer(question, raw);
    if (value === undefined) {
      const error = question.type === "number" ? t("intake.answer.invalid_number", { min: question.min, max: question.max }) : t("intake.answer.use_buttons");
      // A typed reply that is not a valid answer ("39 and rising") still goes to the doctor with the complaint.
      const kept = question.type === "number" ? await this.deps.intakes.update(intake.id, { complaint: `${intake.complaint}\n${raw}` }) : intake;
      return [{ text: error }, await this.ask(account, kept, t)];
    }
    const answers: Answer[] = [...intake.answers.filter((a) => a.questionId !== question.id), { questionId: question.id, answer: value }];
    return this.advance(account, intake, answers, t, question.type === "text" ? [raw] : []);
  }

  private async advance(account: PatientAccount, intake: IntakeState, answers: Answer[], t: TFunction, texts: string[] = []) {
    const next = intake.questionIndex + 1;
    const finished = !intake.area || next >= questionsFor(intake.area).length;
    const updated = await this.deps.intakes.update(intake.id, { answers, questionIndex: next, step: finished ? "exam" : "question" });
    const alarm = await this.raiseRedFlags(account, updated, texts, t);
    return [...alarm.messages, await this.ask(account, alarm.intake, t)];
  }

  private async examButton(account: PatientAccount, intake: IntakeState, choice: string, t: TFunction) {
    if (intake.step !== "exam") return [await this.ask(account, intake, t)];
    if (choice === "skip") {
      const updated = await this.deps.intakes.update(intake.id, { step: "format" });
      return [await this.ask(account, updated, t)];
    }
    return [askRegionGroup(t)];
  }

  private askDuration(group: string, severity: number, t: TFunction): OutgoingMessage {
    if (!isRegionGroup(group)) return { text: t("intake.stale") };
    if (!Number.isInteger(severity) || severity < 1 || severity > 10) return askSeverity(group, t);
    return askDuration(group, severity, t);
  }

  private async fallbackExamDone(account: PatientAccount, intake: IntakeState, [group, severity, duration]: string[], t: TFunction) {
    const parsedDuration = durationSchema.safeParse(duration);
    const level = Number(severity);
    if (intake.step !== "exam" || !group || !isRegionGroup(group) || !parsedDuration.success || !(level >= 1 && level <= 10)) {
      return [await this.ask(account, intake, t)];
    }
    const exam: ExamResult = { regions: [...regionGroups[group]], severity: level, duration: parsedDuration.data, symptoms: [], medicines: "", allergies: "" };
    await this.deps.intakes.update(intake.id, { exam, step: "format" });
    return [{ text: t("intake.exam.saved") }, askFormat(formats, t)];
  }

  private async chooseFormat(account: PatientAccount, intake: IntakeState, raw: string, t: TFunction): Promise<OutgoingMessage[]> {
    const format = formats.find((f) => f === raw);
    if (intake.step !== "format" || !format) return [await this.ask(account, intake, t)];
    const consultation = await this.deps.consultations.open(intake, format);
    await this.deps.intakes.update(intake.id, { step: "done", format });
    const opened: OutgoingMessage = { text: t(`intake.format.opened.${format}`, { number: consultation.number }) };
    if (format === "video") return [opened, ...(await this.deps.formats.videoNow(account, consultation.id))];
    if (format === "appointment") return [opened, ...(await this.deps.formats.appointment(account))];
    if (format === "async") return [opened, ...(await this.deps.formats.written(account, consultation.id, intake.urgent))];
    return [opened];
  }

  /**
   * New red flags answer at once (before the step's reply), mark the intake urgent and open the consultation.
   * The emergency instruction goes out once per intake; a flag that needs a doctor today (not 103/112) says so.
   * Every decision records the rule-set version it was made with.
   */
  private async raiseRedFlags(account: PatientAccount, intake: IntakeState, texts: string[], t: TFunction, kind?: "complaint") {
    const { version, rules, raised } = await this.redFlagsIn(account, texts, intake.answers, kind);
    const fresh = raised.filter((rule) => !intake.redFlags.includes(rule.id));
    if (fresh.length === 0) {
      const same = intake.redFlagRulesVersion === version;
      return { intake: same ? intake : await this.deps.intakes.update(intake.id, { redFlagRulesVersion: version }), messages: [] as OutgoingMessage[] };
    }
    const before = [...rules, wordingModelFlag].filter((rule) => intake.redFlags.includes(rule.id));
    const updated = await this.deps.intakes.update(intake.id, {
      redFlags: [...intake.redFlags, ...fresh.map((rule) => rule.id)],
      urgent: true,
      redFlagRulesVersion: version,
    });
    const consultation = await this.deps.consultations.open(updated);
    const messages =
      dispositionOf(fresh) === "emergency" && dispositionOf(before) !== "emergency" ? [emergency(t)] : intake.urgent ? [] : [urgent(t)];
    return { intake: { ...updated, consultationId: consultation.id }, messages };
  }

  /**
   * The rules read every text; the emergency-wording model reads only the complaint (the first text of an intake and
   * what is added to it), the kind of text it was trained on: on everyday chat — a black camera screen, "still
   * waiting?" — it raised false alarms (README, "Triage: the text model").
   */
  private async redFlagsIn(account: PatientAccount, texts: string[], answers: Answer[], kind?: "complaint"): Promise<{ version: string; rules: RedFlagRule[]; raised: RedFlagRule[] }> {
    const { version, rules } = await this.deps.redFlags.current();
    const input = { language: account.language, texts, answers };
    return { version, rules, raised: kind === "complaint" ? raisedFlags(rules, input) : matchingRules(rules, input) };
  }

  private currentQuestion(intake: IntakeState): Question | undefined {
    return intake.area ? questionsFor(intake.area)[intake.questionIndex] : undefined;
  }

  /** The question of the intake's current step. */
  private async ask(account: PatientAccount, intake: IntakeState, t: TFunction): Promise<OutgoingMessage> {
    switch (intake.step) {
      case "area":
      case "done":
        return askArea(t);
      case "question": {
        const question = this.currentQuestion(intake);
        return question ? askQuestion(question, intake.questionIndex, t) : askArea(t);
      }
      case "exam":
        return this.askExam(account, intake, t);
      case "format":
        return askFormat(formats, t);
    }
  }

  private async askExam(account: PatientAccount, intake: IntakeState, t: TFunction): Promise<OutgoingMessage> {
    const page = this.deps.examButton ? [[await this.deps.examButton(account, intake.id, t("intake.exam.open"))]] : [];
    return askExam(page, t);
  }
}
