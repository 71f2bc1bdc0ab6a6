import type { Worker } from "bullmq";
import { createHash } from "node:crypto";
import { Redis } from "ioredis";
import { createTelegramAdapter } from "../bots/telegram/telegram-bot";
import type { Config } from "../core/config";
import { ConsentService } from "../core/consents/consent-service";
import { ConsultationService } from "../core/consultations/consultation-service";
import { createPrisma } from "../core/db/prisma";
import { Dialogue } from "../core/dialogue/dialogue";
import { DoctorDirectory } from "../core/doctors/doctors";
import { EncryptedFileStore, LocalDiskBackend } from "../core/files/file-store";
import { StoredFiles } from "../core/files/stored-files";
import { buildApp } from "../core/http/app";
import { createLogger } from "../core/logger";
import { Outbox } from "../core/outbox/outbox";
import { PatientNotifier } from "../core/patients/patient-notifier";
import { PatientRepository } from "../core/patients/patient-repository";
import { createOutboxQueue, outboxSweep, startOutboxWorker } from "../workers/outbox.worker";
import { Schedulers } from "../workers/schedulers";
import { CallLinks } from "../core/video/call-links";
import { LiveKit, type LiveKitPort } from "../core/video/livekit";
import { LiveKitWebhooks } from "../core/video/livekit-webhooks";
import { Recordings } from "../core/video/recording";
import { SlotBooking } from "../core/video/slots";
import { VideoPatientFlow } from "../core/video/video-buttons";
import { VideoEvents } from "../core/video/video-events";
import { VideoService } from "../core/video/video-service";
import { createVideoQueue, startVideoWorker, videoJobs, videoSweep } from "../workers/video.worker";
import { readFileSync } from "node:fs";
import { accountCommand } from "../core/account/account-command";
import { aboutCommand } from "../core/about/about-command";
import { loadDisclosure } from "../core/about/disclosure";
import { AccountService } from "../core/account/account-service";
import { P12Directory, P12DocumentSigner } from "../core/documents/document-signer";
import { SigningCertificates } from "../core/documents/signing-certificates";
import { DocumentService } from "../core/documents/document-service";
import { Icd10Catalogue } from "../core/icd10/icd10";
import { InPersonVisits } from "../core/protocols/in-person-visits";
import { ProtocolService } from "../core/protocols/protocol-service";
import { createDocumentsQueue, startDocumentsWorker } from "../workers/documents.worker";
import { labButtons } from "../core/labs/lab-buttons";
import { LabService } from "../core/labs/lab-service";
import { LabDirectory, loadLabs } from "../core/labs/labs-config";
import { AlertService } from "../core/monitoring/alerts";
import { deviceCommand } from "../core/monitoring/device-command";
import { IngestionTokens } from "../core/monitoring/ingestion-tokens";
import { ReadingService } from "../core/monitoring/reading-service";
import { createLabsQueue, enqueueReferralOrders, labPulls, startLabsWorker } from "../workers/labs.worker";
import { createReadingsQueue, startReadingsWorker } from "../workers/readings.worker";
import { join } from "node:path";
import { ConsultationDesk } from "../core/consultations/consultation-desk";
import type { IntakeReader } from "../core/consultations/intake-reader";
import { RedisConsoleEvents } from "../core/realtime/console-events";
import { SpecialtyDirectory } from "../core/specialties/specialty-directory";
import { StaffService } from "../core/staff/staff-service";
import { createEscalationQueue, escalationSweep, startEscalationWorker } from "../workers/escalation.worker";
import { SendRateLimiter } from "../core/outbox/send-rate-limiter";
import { reminderButtons } from "../core/reminders/reminder-buttons";
import { ReminderService } from "../core/reminders/reminder-service";
import { createRemindersQueue, enqueuePrescribedReminders, remindersTick, startRemindersWorker } from "../workers/reminders.worker";
// --- intake ---
import { consentsHandlers } from "../core/dialogue/consents-command";
import { languageHandlers } from "../core/dialogue/language";
import { PatientPreferences } from "../core/dialogue/patient-preferences";
import { timezoneHandlers } from "../core/dialogue/timezone";
import { IntakeConsultations } from "../core/intake/intake-consultations";
import { IntakeFlow } from "../core/intake/intake-flow";
import { IntakeRepository } from "../core/intake/intake-repository";
import { RedFlagRules } from "../core/intake/red-flags";
import { ExamSessions } from "../core/exam/exam-sessions";
import { IdentityService } from "../core/identity/identity-service";
import { OidcIdentityProvider, OidcVerification } from "../core/identity/oidc";
import { PhoneConfirmation } from "../core/identity/phone-flow";
import { DevelopmentSmsProvider, HttpSmsProvider, SmsCodes, SmsRuProvider, type SmsProvider } from "../core/identity/sms";
// --- channels ---
import { AttachmentReceiver, attachmentLimits } from "../core/attachments/attachment-receiver";
import { checkSealImage } from "../core/attachments/upload-check";
import { createVkAdapter } from "../bots/vk/vk-adapter";
import { InboundIntake } from "../core/inbound/inbound-intake";
import { InboundReplies } from "../core/inbound/inbound-replies";
import { InboundStore } from "../core/inbound/inbound-store";
import type { ChannelName, IncomingEvent } from "../core/channels/channel";
import { createInboundQueue, inboundSweep, startInboundWorker } from "../workers/inbound.worker";
import { parseTelegramUpdate } from "../bots/telegram/telegram-update";
import { parseVkEvent, vkToIncomingEvent, type VkEnvelope } from "../bots/vk/vk-event";
import { parseWebMessage, webToIncomingEvent, webUploadOf } from "../bots/web/web-event";
import type { WebMessage } from "../core/channels/web-message";
import { WebChannel } from "../bots/web/web-channel";
import { WebInbox } from "../core/channels/web-inbox";
import { WebTokens } from "../core/channels/web-tokens";
import { recordAudit } from "../core/audit/audit-log";
import { AccountLinking } from "../core/linking/account-linking";
import { LinkCodes } from "../core/linking/link-codes";
// --- data rights and private mode ---
import { SecureChat } from "../core/private-mode/secure-chat";
import { DataRights } from "../core/rights/data-rights";
import { PatientErasure } from "../core/rights/patient-erasure";
import { RetentionSweep } from "../core/rights/retention-sweep";
import { createRetentionQueue, retentionSweepScheduler, startRetentionWorker } from "../workers/retention.worker";
// --- observability (issue 19) ---
import { Metrics } from "../core/metrics/metrics";
import { watchedState } from "../core/metrics/watched-state";
import { currentRequestId } from "../core/request-context";
import type { ParsedInbound } from "../core/inbound/inbound-store";

/** Only where FILE_ENCRYPTION_KEYS is unset, which production refuses (see core/config.ts). */
const developmentKey = { id: "dev", key: createHash("sha256").update("telecons development key").digest() };

/** The composition root shared by every process: wires the domain to Postgres, Redis, BullMQ and the messengers. */
export function compose(config: Config, options: { intake?: IntakeReader; processMetrics?: boolean } = {}) {
  const logger = createLogger(config.LOG_LEVEL);
  // --- observability (issue 19) --- process metrics (heap, event loop) only in real processes: tests build many
  const metrics = new Metrics({ defaultMetrics: options.processMetrics ?? false });
  const db = createPrisma(config.DATABASE_URL);
  // BullMQ needs maxRetriesPerRequest: null so its blocking commands wait out a Redis restart.
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
  const outboxSettings = {
    attempts: config.OUTBOX_ATTEMPTS,
    backoffMs: config.OUTBOX_BACKOFF_MS,
    backoffMaxMs: config.OUTBOX_BACKOFF_MAX_MS,
    claimMs: config.OUTBOX_CLAIM_SECONDS * 1000,
    sweepMs: config.OUTBOX_SWEEP_SECONDS * 1000,
  };
  const queue = createOutboxQueue(redis, config.REDIS_PREFIX, outboxSettings);
  const outbox = new Outbox(db, queue);
  const patients = new PatientRepository(db);
  const consents = new ConsentService(db);
  // --- console ---
  const events = new RedisConsoleEvents(redis, config.REDIS_PREFIX);
  const intakes = new IntakeRepository(db); // --- intake ---
  const desk = new ConsultationDesk(db, outbox, events, options.intake ?? intakes);
  const staff = new StaffService(db, redis, config.REDIS_PREFIX, {
    maxFailedAttempts: config.STAFF_MAX_FAILED_LOGINS,
    lockoutMs: config.STAFF_LOCKOUT_MINUTES * 60_000,
    sessionTtlMs: config.STAFF_SESSION_TTL_MINUTES * 60_000,
  });
  const escalationQueue = createEscalationQueue(redis, config.REDIS_PREFIX);
  const specialties = new SpecialtyDirectory(db);
  const consultations = new ConsultationService(db, outbox, (id, opened) =>
    desk.publish(opened ? "consultation.opened" : "consultation.message", id),
  );
  const doctors = new DoctorDirectory(db);
  const notifier = new PatientNotifier(db, outbox);
  const reminders = new ReminderService(db, outbox, { snoozeMinutes: config.REMINDERS_SNOOZE_MINUTES });
  const remindersQueue = createRemindersQueue(redis, config.REDIS_PREFIX);
  const sendLimiter = new SendRateLimiter(redis, config.REDIS_PREFIX, config.OUTBOX_RATE_LIMITS);
  if (!config.FILE_ENCRYPTION_KEYS) logger.warn("FILE_ENCRYPTION_KEYS is not set: files use a development key, unfit for patient data");
  const files = new StoredFiles(
    db,
    new EncryptedFileStore(new LocalDiskBackend(config.FILE_STORAGE_DIR), config.FILE_ENCRYPTION_KEYS ?? [developmentKey]),
  );
  // --- video ---
  const videoQueue = createVideoQueue(redis, config.REDIS_PREFIX);
  const jobs = videoJobs(videoQueue);
  const livekit: LiveKitPort = new LiveKit({
    url: config.LIVEKIT_URL,
    apiKey: config.LIVEKIT_API_KEY,
    apiSecret: config.LIVEKIT_API_SECRET,
    tokenTtlSeconds: config.LIVEKIT_TOKEN_TTL_SECONDS,
    apiUrl: config.LIVEKIT_API_URL, // --- deploy (issue 19) ---
  });
  const videoEvents = new VideoEvents(redis, config.REDIS_PREFIX);
  const callLinks = new CallLinks(redis, config.REDIS_PREFIX, config.VIDEO_LINK_TTL_SECONDS);
  const video = new VideoService({
    db,
    redis,
    prefix: config.REDIS_PREFIX,
    events: videoEvents,
    links: callLinks,
    livekit,
    notifier,
    queueUpdates: jobs.queueUpdates,
    settings: { publicUrl: config.PUBLIC_URL, defaultConsultMinutes: config.VIDEO_DEFAULT_CONSULT_MINUTES, claimTtlMs: 60_000 },
    onAccepted: (doctorId, consultationId) => desk.takeForCall(doctorId, consultationId),
  });
  const recordings = new Recordings({ db, livekit, files, settings: { recordingsDir: config.LIVEKIT_RECORDINGS_DIR } });
  const slots = new SlotBooking({ db });
  const videoFlow = new VideoPatientFlow({ db, video, slots, recordings });
  const livekitWebhooks = new LiveKitWebhooks({ db, egressJobs: jobs.egressJobs });
  // --- documents: protocols, signed PDFs, the patient account ---
  const documentsQueue = createDocumentsQueue(redis, config.REDIS_PREFIX);
  // Uploaded in the console (encrypted like every file), else the files in DOCTOR_CERTS_DIR.
  const certificates = new SigningCertificates(db, files, new P12Directory(config.DOCTOR_CERTS_DIR, config.DOCTOR_CERTS_PASSWORD));
  const icd10 = Icd10Catalogue.fromShippedFile();
  const visits = new InPersonVisits(db);
  const labsQueue = createLabsQueue(redis, config.REDIS_PREFIX);
  const protocols = new ProtocolService(db, visits, async (protocolId) => {
    await documentsQueue.enqueue(protocolId);
    await enqueueReferralOrders(labsQueue, protocolId);
    await enqueuePrescribedReminders(remindersQueue, protocolId);
  });
  const documents = new DocumentService({
    db,
    protocols,
    files,
    notifier,
    icd10,
    signer: new P12DocumentSigner(certificates),
    clinic: {
      name: config.CLINIC_NAME,
      licence: config.CLINIC_LICENSE,
      address: config.CLINIC_ADDRESS,
      seal: config.CLINIC_SEAL_PNG
        ? checkSealImage(readFileSync(config.CLINIC_SEAL_PNG), { maxPixels: config.UPLOAD_MAX_MEGAPIXELS * 1_000_000 })
        : undefined,
    },
  });
  // --- monitoring and labs ---
  const readingsQueue = createReadingsQueue(redis, config.REDIS_PREFIX);
  const ingestionTokens = new IngestionTokens(db, config.PUBLIC_URL);
  const readings = new ReadingService(db, readingsQueue);
  const alerts = new AlertService(db, notifier, events);
  const labDirectory = new LabDirectory(loadLabs(config));
  const labs = new LabService(db, labDirectory, notifier, events);
  // The patient account shows signed documents and lab results.
  const accounts = new AccountService(db, documents, labs, {
    baseUrl: config.PUBLIC_URL,
    linkTtlSeconds: config.ACCOUNT_LINK_TTL_SECONDS,
    sessionTtlSeconds: config.ACCOUNT_SESSION_TTL_SECONDS,
  });

  // --- intake ---
  const preferences = new PatientPreferences(db);
  const redFlags = new RedFlagRules(db);
  const exams: ExamSessions = new ExamSessions({
    redis,
    prefix: config.REDIS_PREFIX,
    publicUrl: config.PUBLIC_URL,
    linkTtlSeconds: config.EXAM_LINK_TTL_SECONDS,
    telegramBotToken: config.TELEGRAM_BOT_TOKEN,
    initDataMaxAgeSeconds: config.EXAM_LINK_TTL_SECONDS,
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
      appointment: (account) => videoFlow.offerSlots(account, "gp"),
    },
  });
  const language = languageHandlers(preferences, (account, t) => dialogue.nextStep(account, t));
  const timezone = timezoneHandlers(preferences);
  const identity = new IdentityService(db);
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
  const consentsCommand = consentsHandlers({ consents, preferences, discardUnfinished: (id) => intakes.discardUnfinished(id) });

  // --- channels ---
  const attachments = new AttachmentReceiver(db, files, (id) => desk.publish("consultation.message", id), {
    ...attachmentLimits,
    maxPixels: config.UPLOAD_MAX_MEGAPIXELS * 1_000_000,
  });
  const loadFile = (fileId: string) => files.read(fileId);
  const linkCodes = new LinkCodes(redis, config.REDIS_PREFIX, {
    ttlSeconds: config.LINK_CODE_TTL_SECONDS,
    maxAttempts: 5,
    attemptWindowSeconds: 15 * 60,
  });
  const linking = new AccountLinking(db, linkCodes);
  // --- data rights and private mode ---
  const retentionQueue = createRetentionQueue(redis, config.REDIS_PREFIX);
  const erasure = new PatientErasure({
    db,
    files,
    queue: retentionQueue,
    retention: config.RETENTION_PERIODS,
    clearWebChat: (visitorId) => webInbox.clear(visitorId),
  });
  const retentionSweep = new RetentionSweep(db, files, config.RETENTION_PERIODS);
  const dataRights = new DataRights({ db, erasure, loginLink: (id) => accounts.createLoginLink(id), linkTtlSeconds: config.ACCOUNT_LINK_TTL_SECONDS });
  const rightsHandlers = dataRights.handlers();

  const dialogue = new Dialogue({
    patients,
    consents,
    consultations,
    defaultLanguage: config.DEFAULT_LANGUAGE,
    intake: intakeFlow,
    emergencies: redFlags,
    contacts: phone.contacts,
    textInterceptors: [phone.texts],
    buttonHandlers: [videoFlow.buttons, labButtons(labs), reminderButtons(reminders), intakeFlow.buttons, language.buttons, timezone.buttons, consentsCommand.buttons, rightsHandlers.buttons],
    commandHandlers: [
      language.command,
      timezone.command,
      consentsCommand.command,
      phone.command,
      ...(oidc ? [oidc.command] : []),
      ...videoFlow.commands,
      accountCommand(accounts, config.ACCOUNT_LINK_TTL_SECONDS),
      aboutCommand(config.PUBLIC_URL),
      deviceCommand(ingestionTokens),
      linking.command(config.LINK_CODE_TTL_SECONDS), // --- channels ---
      ...rightsHandlers.commands, // --- data rights ---
    ],
    files: attachments,
  });
  const telegram = config.TELEGRAM_BOT_TOKEN
    ? createTelegramAdapter({
        token: config.TELEGRAM_BOT_TOKEN,
        apiRoot: config.TELEGRAM_API_ROOT,
        onError: (error) => logger.error({ err: error }, "telegram update failed"),
        loadFile,
      })
    : undefined;

  // --- channels ---
  // One inbound path for every channel: the edge stores the raw event, the inbound worker runs the dialogue.
  const inbound = new InboundStore(db, config.REDIS_PREFIX);
  const inboundQueue = createInboundQueue(redis, config.REDIS_PREFIX);
  // The job carries the webhook request's id (an id only), so the worker's log lines name the request too.
  const enqueueInbound = (job: { eventId: string; chatKey: string }) => inboundQueue.enqueue({ ...job, requestId: currentRequestId() });
  const intake = new InboundIntake(inbound, enqueueInbound, (error) => logger.warn({ err: error }, "inbound event not queued: the sweep will"));
  // --- observability (issue 19) --- every edge's outcome, by channel
  const acceptCounted = async (channel: ChannelName, parsed: ParsedInbound, payload: unknown) => {
    try {
      await intake.accept(channel, parsed, payload);
    } catch (error) {
      metrics.inboundEvents.inc({ channel, outcome: "unavailable" });
      throw error;
    }
    metrics.inboundEvents.inc({ channel, outcome: parsed.kind === "event" ? "accepted" : parsed.kind });
  };
  const vk =
    config.VK_TOKEN && config.VK_GROUP_ID
      ? createVkAdapter({
          token: config.VK_TOKEN,
          groupId: config.VK_GROUP_ID,
          apiRoot: config.VK_API_ROOT,
          loadFile,
          onError: (error) => logger.warn({ err: error }, "vk long poll"),
        })
      : undefined;
  const webInbox = new WebInbox(redis, config.REDIS_PREFIX);
  const web = new WebChannel(webInbox);
  const webTokens = new WebTokens(config.WIDGET_SECRET, {
    fileLinkTtlSeconds: config.WIDGET_FILE_LINK_TTL_SECONDS,
    visitorTtlSeconds: config.WIDGET_TOKEN_TTL_SECONDS,
  });
  const secureChat = new SecureChat({
    db,
    redis,
    prefix: config.REDIS_PREFIX,
    tokens: webTokens,
    inbox: webInbox,
    publicUrl: config.PUBLIC_URL,
    linkTtlSeconds: config.SECURE_CHAT_LINK_TTL_SECONDS,
    clinicalContentInMessengers: config.CLINICAL_CONTENT_IN_MESSENGERS,
  });
  const acceptTelegram = (update: unknown) => acceptCounted("telegram", parseTelegramUpdate(update, telegram!.botId), update);
  // VK's secret is ours, not the patient's: it is not kept.
  const acceptVk = ({ secret: _secret, ...envelope }: VkEnvelope) => acceptCounted("vk", parseVkEvent(envelope), envelope);
  const acceptWeb = (message: WebMessage) => acceptCounted("web", parseWebMessage(message), message);
  const decoders: Record<ChannelName, (payload: unknown) => IncomingEvent | undefined> = {
    telegram: (payload) => {
      if (!telegram) throw new Error("TELEGRAM_BOT_TOKEN is not set");
      return telegram.toEvent(payload);
    },
    vk: vkToIncomingEvent,
    web: (payload) => webToIncomingEvent(payload, async (fileId) => (await files.read(fileId)).bytes),
  };

  // Every repeatable job in one list: worker processes keep them in Redis, /readyz names any Redis lost.
  const outboxSchedulers = new Schedulers([outboxSweep(queue, outboxSettings)]);
  const schedulers = new Schedulers([
    ...outboxSchedulers.specs,
    inboundSweep(inboundQueue, config.INBOUND_SWEEP_SECONDS * 1000),
    remindersTick(remindersQueue, config.REMINDERS_TICK_MS),
    escalationSweep(escalationQueue, config.ESCALATION_SWEEP_SECONDS * 1000),
    videoSweep(videoQueue),
    ...labPulls(labsQueue, labDirectory),
    retentionSweepScheduler(retentionQueue),
  ]);

  const stack: Array<() => Promise<unknown>> = [];

  return {
    config,
    logger,
    db,
    redis,
    outbox,
    doctors,
    consultations,
    dialogue,
    notifier,
    reminders,
    files,
    telegram,
    vk,
    webInbox,
    video,
    videoFlow,
    slots,
    recordings,
    callLinks,
    videoEvents,
    protocols,
    visits,
    documents,
    certificates,
    accounts,
    icd10,
    ingestionTokens,
    readings,
    alerts,
    labs,
    labDirectory,
    staff,
    desk,
    events,
    specialties,
    intakes,
    redFlags,
    identity,
    sms,
    devSms,
    exams,
    erasure,
    retentionSweep,
    dataRights,
    secureChat,
    metrics,
    schedulers,

    async startApi() {
      // --- observability (issue 19) --- queue depths and the outbox lag, read from Redis and Postgres at each scrape
      const queues = [queue, inboundQueue.queue, videoQueue, documentsQueue.queue, readingsQueue, labsQueue, escalationQueue, remindersQueue, retentionQueue];
      metrics.watch(watchedState(queues, db));
      const app = await buildApp({
        config,
        db,
        redis,
        doctors,
        consultations,
        video: { db, video, videoEvents, slots, recordings, livekit, webhooks: livekitWebhooks, links: callLinks },
        monitoring: { readings, alerts, ingestionTokens },
        labs: { labs, labDirectory },
        staff,
        desk,
        specialties,
        consents,
        files,
        events,
        consoleDir: join(import.meta.dirname, "..", "console", "dist"),
        reminders,
        schedulers,
        telegram: telegram && config.TELEGRAM_MODE === "webhook" ? acceptTelegram : undefined,
        inbound,
        documents: { protocols, visits, icd10, documents, accounts, certificates },
        about: { load: () => loadDisclosure(db, consents, config) },
        intake: { identity, redFlags, oidc, exams, defaultLanguage: config.DEFAULT_LANGUAGE },
        // --- channels ---
        vk:
          vk && config.VK_MODE === "callback"
            ? { groupId: vk.groupId, secret: config.VK_SECRET!, confirmation: config.VK_CONFIRMATION!, accept: acceptVk }
            : undefined,
        widget: {
          tokens: webTokens,
          inbox: webInbox,
          accept: acceptWeb,
          // Not a patient's file yet: the attachment receiver keeps its own copy once the type and limits are checked.
          storeUpload: (bytes, name) => files.save(bytes, { mimeType: "application/octet-stream", fileName: name ?? "upload" }),
          readFile: (id) => files.read(id),
          auditDownload: async (visitorId, fileId) => {
            const account = await patients.findAccount({ channel: "web", externalUserId: visitorId });
            const actor = account ? { type: "patient" as const, id: account.patientId } : { type: "system" as const };
            await recordAudit(db, { actor, action: "file.download", entityType: "file", entityId: fileId, meta: { channel: "web" } });
          },
          defaultLanguage: config.DEFAULT_LANGUAGE,
        },
        rights: { data: dataRights, erasure, secureChat }, // --- data rights ---
        metrics, // --- observability (issue 19) ---
      });
      videoEvents.start((error) => logger.warn({ err: error }, "video events subscription"));
      stack.push(() => videoEvents.stop());
      stack.push(() => app.close());
      if (telegram && config.TELEGRAM_MODE === "polling") {
        telegram.startPolling(acceptTelegram);
        stack.push(() => telegram.stop());
      } else if (telegram && config.TELEGRAM_WEBHOOK_URL) {
        await telegram.setWebhook(config.TELEGRAM_WEBHOOK_URL, config.TELEGRAM_WEBHOOK_SECRET!);
      }
      return app;
    },

    /** `locks` shortens the outbox and inbound workers' BullMQ job locks (tests of a killed worker); `outboxOnly` runs just the outbox worker. */
    async startWorkers(
      options: { locks?: { lockDuration?: number; stalledInterval?: number }; outboxOnly?: boolean } = {},
    ): Promise<Worker[]> {
      const mine = options.outboxOnly ? outboxSchedulers : schedulers;
      await mine.ensure(true);
      const stopWatching = mine.watch(
        config.SCHEDULER_CHECK_SECONDS * 1000,
        (names) => logger.warn({ schedulers: names }, "schedulers were missing from Redis: re-created"),
        (error) => logger.warn({ err: error }, "schedulers not checked"),
      );
      stack.push(async () => stopWatching());
      const worker = startOutboxWorker(
        redis,
        config.REDIS_PREFIX,
        outboxSettings,
        queue,
        {
          outbox,
          patients,
          channels: { telegram: telegram?.channel, vk: vk?.channel, web },
          logger,
          limiter: sendLimiter,
          render: (delivery) => secureChat.render(delivery), // --- private mode ---
          rateLimited: (channel) => metrics.outboxRateLimited.inc({ channel }), // --- observability ---
        },
        16,
        options.locks,
      );
      stack.push(() => worker.close());
      metrics.observeWorker(worker); // --- observability (issue 19) ---
      if (options.outboxOnly) return [worker];
      const videoWorker = startVideoWorker(redis, config.REDIS_PREFIX, videoQueue, {
        db,
        redis,
        prefix: config.REDIS_PREFIX,
        video,
        notifier,
        recordings,
        logger,
      });
      stack.push(() => videoWorker.close());
      const documentsWorker = startDocumentsWorker(redis, config.REDIS_PREFIX, { documents, logger });
      stack.push(() => documentsWorker.close());
      const readingsWorker = startReadingsWorker(redis, config.REDIS_PREFIX, { alerts, logger });
      stack.push(() => readingsWorker.close());
      const labsWorker = startLabsWorker(redis, config.REDIS_PREFIX, { db, labs, directory: labDirectory, protocols, logger });
      stack.push(() => labsWorker.close());
      const escalation = startEscalationWorker(redis, config.REDIS_PREFIX, {
        db,
        desk,
        rules: config.ESCALATE_AFTER_MINUTES,
        urgentMinutes: config.ESCALATE_URGENT_AFTER_MINUTES,
        specialties,
        logger,
      });
      stack.push(() => escalation.close());
      const remindersWorker = startRemindersWorker(redis, config.REDIS_PREFIX, { reminders, db, protocols, logger });
      stack.push(() => remindersWorker.close());
      // --- channels ---
      const inboundWorker = startInboundWorker(redis, config.REDIS_PREFIX, inboundQueue, {
        store: inbound,
        replies: new InboundReplies(db, outbox),
        decode: (channel, payload) => decoders[channel](payload),
        handle: async (event, commit) => {
          try {
            await dialogue.handle(event, commit);
          } catch (error) {
            metrics.inboundEvents.inc({ channel: event.sender.channel, outcome: "failed" });
            throw error;
          }
          metrics.inboundEvents.inc({ channel: event.sender.channel, outcome: "handled" });
        },
        handled: async (channel, payload) => {
          const upload = channel === "web" ? webUploadOf(payload) : undefined;
          if (upload) await files.remove([upload]);
        },
        logger,
        attempts: config.INBOUND_ATTEMPTS,
        claimMs: config.INBOUND_CLAIM_SECONDS * 1000,
        sweepMs: config.INBOUND_SWEEP_SECONDS * 1000,
      }, 32, options.locks);
      stack.push(() => inboundWorker.close());
      if (vk && config.VK_MODE === "longpoll") {
        vk.startLongPoll(acceptVk);
        stack.push(async () => vk.stop());
      }
      const retentionWorker = startRetentionWorker(redis, config.REDIS_PREFIX, { erasure, sweep: retentionSweep, logger });
      stack.push(() => retentionWorker.close());
      const workers = [retentionWorker, inboundWorker, worker, videoWorker, documentsWorker, readingsWorker, labsWorker, escalation, remindersWorker];
      for (const w of workers) if (w !== worker) metrics.observeWorker(w); // --- observability (issue 19) ---
      return workers;
    },

    /** Stops intake first, then workers, then the queue and the connections: the reverse of start. */
    async close() {
      while (stack.length) await stack.pop()!();
      await queue.close();
      await videoQueue.close();
      await documentsQueue.queue.close();
      await readingsQueue.close();
      await labsQueue.close();
      await escalationQueue.close();
      await events.close();
      await remindersQueue.close();
      await inboundQueue.queue.close();
      await retentionQueue.close();
      await webInbox.close();
      await db.$disconnect();
      redis.disconnect();
    },
  };
}

export type Services = ReturnType<typeof compose>;

/** Runs until SIGTERM/SIGINT, then shuts down in order. */
export function closeOnSignal(services: Services): void {
  const stop = async (signal: string) => {
    services.logger.info({ signal }, "shutting down");
    await services.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
}
