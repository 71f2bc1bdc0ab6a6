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
import { labButtons } from "../core/labs/lab-buttons";
import { LabService } from "../core/labs/lab-service";
import { LabDirectory, loadLabs } from "../core/labs/labs-config";
import { AlertService } from "../core/monitoring/alerts";
import { deviceCommand } from "../core/monitoring/device-command";
import { IngestionTokens } from "../core/monitoring/ingestion-tokens";
import { ReadingService } from "../core/monitoring/reading-service";
import { createLabsQueue, schedulePulls, startLabsWorker } from "../workers/labs.worker";
import { createReadingsQueue, startReadingsWorker } from "../workers/readings.worker";

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
  if (!config.FILE_ENCRYPTION_KEYS) logger.warn("FILE_ENCRYPTION_KEYS is not set: files use a development key, unfit for patient data");
  const files = new StoredFiles(
    db,
    new EncryptedFileStore(new LocalDiskBackend(config.FILE_STORAGE_DIR), config.FILE_ENCRYPTION_KEYS ?? [developmentKey]),
  );
  // --- monitoring and labs ---
  // Console live updates: ids only on the channel, the console fetches the rest through the api.
  const publish = (channel: string) => async (event: object) => void (await redis.publish(`${config.REDIS_PREFIX}:${channel}`, JSON.stringify(event)));
  const readingsQueue = createReadingsQueue(redis, config.REDIS_PREFIX);
  const ingestionTokens = new IngestionTokens(db, config.MONITORING_PUBLIC_URL);
  const readings = new ReadingService(db, readingsQueue);
  const alerts = new AlertService(db, notifier, { publish: publish("monitoring:alerts") });
  const labDirectory = new LabDirectory(loadLabs(config));
  const labs = new LabService(db, labDirectory, notifier, { publish: publish("labs:events") });
  const labsQueue = createLabsQueue(redis, config.REDIS_PREFIX);

  const dialogue = new Dialogue({
    patients,
    consents,
    consultations,
    outbox,
    dedupe: new InboundDedupe(redis, config.REDIS_PREFIX),
    defaultLanguage: config.DEFAULT_LANGUAGE,
    buttonHandlers: [labButtons(labs)],
    commandHandlers: [deviceCommand(ingestionTokens)],
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
    files,
    telegram,
    ingestionTokens,
    readings,
    alerts,
    labs,
    labDirectory,

    async startApi() {
      const app = await buildApp({
        config,
        db,
        redis,
        doctors,
        consultations,
        monitoring: { readings, alerts, ingestionTokens },
        labs: { labs, labDirectory },
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

    async startWorkers(): Promise<Worker[]> {
      const worker = await startOutboxWorker(redis, config.REDIS_PREFIX, outboxSettings, queue, {
        outbox,
        patients,
        channels: { telegram: telegram?.channel },
        logger,
      });
      stack.push(() => worker.close());
      const readingsWorker = startReadingsWorker(redis, config.REDIS_PREFIX, { alerts, logger });
      stack.push(() => readingsWorker.close());
      const labsWorker = startLabsWorker(redis, config.REDIS_PREFIX, { db, labs, directory: labDirectory, logger });
      stack.push(() => labsWorker.close());
      await schedulePulls(labsQueue, labDirectory);
      return [worker, readingsWorker, labsWorker];
    },

    /** Stops intake first, then workers, then the queue and the connections: the reverse of start. */
    async close() {
      while (stack.length) await stack.pop()!();
      await queue.close();
      await readingsQueue.close();
      await labsQueue.close();
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
