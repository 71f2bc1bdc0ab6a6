import { createHash } from "node:crypto";
import { Redis } from "ioredis";
import type { Config } from "../../core/config";
import { ConsentService } from "../../core/consents/consent-service";
import { AuditRepository } from "../../core/audit/audit-repository";
import { createPrisma } from "../../core/db/prisma";
import { createSqlPool } from "../../core/db/sql";
import { UnitOfWork } from "../../core/db/unit-of-work";
import { StoredFileRepository } from "../../core/files/stored-file-repository";
import { EncryptedFileStore, LocalDiskBackend } from "../../core/files/file-store";
import { StoredFiles } from "../../core/files/stored-files";
import { createLogger } from "../../core/logger";
import { Metrics } from "../../core/metrics/metrics";
import { Outbox } from "../../core/outbox/outbox";
import { OutboxRepository } from "../../core/outbox/outbox-repository";
import { SendRateLimiter } from "../../core/outbox/send-rate-limiter";
import { PatientNotifier } from "../../core/patients/patient-notifier";
import { PatientRepository } from "../../core/patients/patient-repository";
import { RedisConsoleEvents } from "../../core/realtime/console-events";
import { JobQueues } from "../../workers/job-queues";
import { outboxEnqueuer, outboxQueue } from "../../workers/outbox.worker";

/** Only where FILE_ENCRYPTION_KEYS is unset, which production refuses (see core/config.ts). */
const developmentKey = { id: "dev", key: createHash("sha256").update("telecons development key").digest() };

/** What every capability stands on: the connections, the queue registry, the outbox, files and the patient's messages. */
export function foundation(config: Config, options: { processMetrics?: boolean }) {
  const logger = createLogger(config.LOG_LEVEL);
  // Process metrics (heap, event loop) only in real processes: tests build many.
  const metrics = new Metrics({ defaultMetrics: options.processMetrics ?? false });
  // An inbound step's transaction ends before its claim does, so no second worker runs it while it may still commit.
  const unitOfWork = new UnitOfWork(createPrisma(config.DATABASE_URL), { maxWaitMs: 10_000, timeoutMs: config.INBOUND_CLAIM_SECONDS * 1000 });
  const db = unitOfWork.db;
  const sql = createSqlPool(config.DATABASE_URL, (error) => logger.warn({ err: error }, "an idle Postgres connection of the sql pool failed"));
  // BullMQ needs maxRetriesPerRequest: null so its blocking commands wait out a Redis restart.
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
  const queues = new JobQueues(redis, config.REDIS_PREFIX, logger);
  const outboxSettings = {
    attempts: config.OUTBOX_ATTEMPTS,
    backoffMs: config.OUTBOX_BACKOFF_MS,
    backoffMaxMs: config.OUTBOX_BACKOFF_MAX_MS,
    claimMs: config.OUTBOX_CLAIM_SECONDS * 1000,
    sweepMs: config.OUTBOX_SWEEP_SECONDS * 1000,
  };
  const outboxJobs = outboxQueue(outboxSettings);
  const outboxQueued = queues.open(outboxJobs);
  // Jobs and events raised inside a dialogue step wait for its commit: a worker must find the rows they name.
  const { afterCommit } = unitOfWork;
  const enqueueSend = outboxEnqueuer(outboxQueued, outboxSettings);
  const outbox = new Outbox(new OutboxRepository(db), { enqueue: (outboxId) => afterCommit(() => enqueueSend(outboxId)) });
  const patients = new PatientRepository(db);
  if (!config.FILE_ENCRYPTION_KEYS) logger.warn("FILE_ENCRYPTION_KEYS is not set: files use a development key, unfit for patient data");
  return {
    config,
    logger,
    metrics,
    db,
    sql,
    unitOfWork,
    redis,
    queues,
    outboxJobs,
    /** Queues an outbox row's job (later, with a delay): one batcher for the process, writers and the worker alike. */
    enqueueSend,
    outbox,
    patients,
    consents: new ConsentService(db),
    events: new RedisConsoleEvents(redis, config.REDIS_PREFIX, afterCommit),
    notifier: new PatientNotifier(patients, outbox),
    sendLimiter: new SendRateLimiter(redis, config.REDIS_PREFIX, config.OUTBOX_RATE_LIMITS),
    audit: new AuditRepository(db),
    files: new StoredFiles(
      new StoredFileRepository(db),
      new EncryptedFileStore(new LocalDiskBackend(config.FILE_STORAGE_DIR), config.FILE_ENCRYPTION_KEYS ?? [developmentKey]),
    ),
  };
}

export type Foundation = ReturnType<typeof foundation>;
