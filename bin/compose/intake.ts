import { telegramMiniApp } from "../../bots/telegram/mini-app-init-data";
import { consentsHandlers } from "../../core/dialogue/consents-command";
import { languageHandlers } from "../../core/dialogue/language";
import { PatientPreferences } from "../../core/patients/patient-preferences-repository";
import { timezoneHandlers } from "../../core/dialogue/timezone";
import { ExamSessions } from "../../core/exam/exam-sessions";
import { IdentityRepository } from "../../core/identity/identity-repository";
import { IdentityService } from "../../core/identity/identity-service";
import { OidcIdentityProvider, OidcVerification } from "../../core/identity/oidc";
import { PhoneConfirmation } from "../../core/identity/phone-flow";
import { DevelopmentSmsProvider, HttpSmsProvider, SmsCodes, SmsRuProvider, type SmsProvider } from "../../core/identity/sms";
import { IntakeConsultations } from "../../core/intake/intake-consultations";
import { IntakeFlow } from "../../core/intake/intake-flow";
import { RedFlagRepository } from "../../core/intake/red-flag-repository";
import { RedFlagRules } from "../../core/intake/red-flag-rules";
import type { VideoPatientFlow } from "../../core/video/video-buttons";
import type { consultationsWiring } from "./consultations";
import type { Foundation } from "./foundation";

/** The conversational intake and what it asks for: language, timezone, consents, triage, the examination, identity. */
export function intakeWiring(
  { config, db, redis, logger, outbox, notifier, consents, unitOfWork }: Foundation,
  { intakes, desk, consultations }: Pick<ReturnType<typeof consultationsWiring>, "intakes" | "desk" | "consultations">,
  videoFlow: VideoPatientFlow,
  /** The dialogue's next question after a language is chosen (the dialogue is wired after the intake). */
  nextStep: Parameters<typeof languageHandlers>[1],
) {
  const preferences = new PatientPreferences(db);
  const redFlags = new RedFlagRules(new RedFlagRepository(db), unitOfWork.afterCommit);
  const exams: ExamSessions = new ExamSessions({
    redis,
    prefix: config.REDIS_PREFIX,
    publicUrl: config.PUBLIC_URL,
    linkTtlSeconds: config.EXAM_LINK_TTL_SECONDS,
    telegramMiniApp: telegramMiniApp(config.TELEGRAM_BOT_TOKEN, config.EXAM_LINK_TTL_SECONDS),
    telegramAccount: (id) => intakes.telegramAccount(id),
    examSubmitted: (account, intakeId, exam, t) => intakeFlow.examSubmitted(account, intakeId, exam, t),
    send: (accountId, message) => outbox.send(accountId, message),
  });
  const intakeFlow: IntakeFlow = new IntakeFlow({
    examButton: (account, intakeId, label) => exams.button(account, intakeId, label),
    intakes,
    consultations: new IntakeConsultations(db, (id) => desk.publish("consultation.opened", id)),
    messages: consultations,
    redFlags,
    formats: {
      videoNow: (account, consultationId) => videoFlow.requestNow(account, "gp", consultationId),
      written: (account, consultationId, urgent) => videoFlow.writtenQuestion(account, consultationId, urgent),
      appointment: (account) => videoFlow.offerSlots(account, "gp"),
    },
  });
  const identity = new IdentityService(new IdentityRepository(db));
  // Development keeps the texts in SMS_DEV_FILE (and in memory, where tests read them); production refuses `log`.
  const devSms = config.SMS_PROVIDER === "log" ? new DevelopmentSmsProvider(logger, config.SMS_DEV_FILE) : undefined;
  const sms: SmsProvider =
    devSms ??
    (config.SMS_PROVIDER === "smsru"
      ? new SmsRuProvider({ apiRoot: config.SMS_RU_API_ROOT, apiId: config.SMS_RU_API_ID!, from: config.SMS_RU_FROM })
      : new HttpSmsProvider({ url: config.SMS_HTTP_URL!, token: config.SMS_HTTP_TOKEN! }));
  const phone = new PhoneConfirmation({
    identity,
    sms,
    logger,
    codes: new SmsCodes(redis, config.REDIS_PREFIX, { ttlSeconds: config.SMS_CODE_TTL_SECONDS, maxAttempts: config.SMS_CODE_MAX_ATTEMPTS }),
    redis,
    prefix: config.REDIS_PREFIX,
    waitSeconds: config.IDENTITY_LINK_TTL_SECONDS,
  });
  const oidc =
    config.OIDC_ISSUER && config.OIDC_CLIENT_ID && config.OIDC_CLIENT_SECRET
      ? new OidcVerification({
          provider: new OidcIdentityProvider({
            issuer: config.OIDC_ISSUER,
            clientId: config.OIDC_CLIENT_ID,
            clientSecret: config.OIDC_CLIENT_SECRET,
            redirectUri: `${config.PUBLIC_URL}/identity/oidc/callback`,
          }),
          identity,
          redis,
          prefix: config.REDIS_PREFIX,
          ttlSeconds: config.IDENTITY_LINK_TTL_SECONDS,
          notify: (patientId) => notifier.notify(patientId, (t) => ({ text: t("identity.verify.done") })),
        })
      : undefined;
  return {
    preferences,
    redFlags,
    exams,
    intakeFlow,
    language: languageHandlers(preferences, nextStep),
    timezone: timezoneHandlers(preferences),
    identity,
    devSms,
    sms,
    phone,
    oidc,
    consentsCommand: consentsHandlers({ consents, preferences, discardUnfinished: (id) => intakes.discardUnfinished(id) }),
  };
}
