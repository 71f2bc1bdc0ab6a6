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
import { InboundDedupe } from "../core/inbound/inbound-dedupe";
import { createLogger } from "../core/logger";
import { Outbox } from "../core/outbox/outbox";
import { PatientNotifier } from "../core/patients/patient-notifier";
import { PatientRepository } from "../core/patients/patient-repository";
import { createOutboxQueue, startOutboxWorker } from "../workers/outbox.worker";
import { SendRateLimiter } from "../core/outbox/send-rate-limiter";
import { reminderButtons } from "../core/reminders/reminder-buttons";
import { ReminderService } from "../core/reminders/reminder-service";
import { createRemindersQueue, startRemindersWorker } from "../workers/reminders.worker";

/** Only where FILE_ENCRYPTION_KEYS is unset, which production refuses (see core/config.ts). */
const developmentKey = { id: "dev", key: createHash("sha256").update("telecons development key").digest() };

/** The composition root shared by every process: wires the domain to Postgres, Redis, BullMQ and the messengers. */
export function compose(config: Config) {
  const logger = createLogger(config.LOG_LEVEL);
  const db = createPrisma(config.DATABASE_URL);
  // BullMQ needs maxRetriesPerRequest: null so its blocking commands wait out a Redis restart.
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
  const outboxSettings = {
    attempts: config.OUTBOX_ATTEMPTS,
    backoffMs: config.OUTBOX_BACKOFF_MS,
    backoffMaxMs: config.OUTBOX_BACKOFF_MAX_MS,
  };
  const queue = createOutboxQueue(redis, config.REDIS_PREFIX, outboxSettings);
  const outbox = new Outbox(db, queue);
  const patients = new PatientRepository(db);
  const consents = new ConsentService(db);
  const consultations = new ConsultationService(db, outbox);
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
  const dialogue = new Dialogue({
    patients,
    consents,
    consultations,
    outbox,
    dedupe: new InboundDedupe(redis, config.REDIS_PREFIX),
    defaultLanguage: config.DEFAULT_LANGUAGE,
    buttonHandlers: [reminderButtons(reminders)],
  });
  const telegram = config.TELEGRAM_BOT_TOKEN
    ? createTelegramAdapter({
        token: config.TELEGRAM_BOT_TOKEN,
        apiRoot: config.TELEGRAM_API_ROOT,
        onEvent: (event) => dialogue.handle(event),
        onError: (error) => logger.error({ err: error }, "telegram update failed"),
      })
    : undefined;

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

    async startApi() {
      const app = await buildApp({
        config,
        db,
        redis,
        doctors,
        consultations,
        reminders,
        telegram: telegram && config.TELEGRAM_MODE === "webhook" ? (update) => telegram.handleUpdate(update) : undefined,
      });
      stack.push(() => app.close());
      if (telegram && config.TELEGRAM_MODE === "polling") {
        telegram.startPolling();
        stack.push(() => telegram.stop());
      } else if (telegram && config.TELEGRAM_WEBHOOK_URL) {
        await telegram.setWebhook(config.TELEGRAM_WEBHOOK_URL, config.TELEGRAM_WEBHOOK_SECRET!);
      }
      return app;
    },

    /** `locks` shortens BullMQ's job locks (tests of a killed worker); `reminders: false` runs the outbox only. */
    async startWorkers(
      options: { locks?: { lockDuration?: number; stalledInterval?: number }; reminders?: boolean } = {},
    ): Promise<Worker[]> {
      const worker = await startOutboxWorker(
        redis,
        config.REDIS_PREFIX,
        outboxSettings,
        queue,
        { outbox, patients, channels: { telegram: telegram?.channel }, logger, limiter: sendLimiter },
        16,
        options.locks,
      );
      stack.push(() => worker.close());
      if (options.reminders === false) return [worker];
      const remindersWorker = await startRemindersWorker(redis, config.REDIS_PREFIX, remindersQueue, {
        reminders,
        logger,
        tickMs: config.REMINDERS_TICK_MS,
      });
      stack.push(() => remindersWorker.close());
      return [worker, remindersWorker];
    },

    /** Stops intake first, then workers, then the queue and the connections: the reverse of start. */
    async close() {
      while (stack.length) await stack.pop()!();
      await queue.close();
      await remindersQueue.close();
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
