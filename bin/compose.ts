import type { Worker } from "bullmq";
import { join } from "node:path";
import { loadDisclosure } from "../core/about/disclosure";
import { CareAccess } from "../core/access/care-access";
import { CareAccessRepository } from "../core/access/care-access-repository";
import { recordAudit } from "../core/audit/audit-log";
import type { Config } from "../core/config";
import type { IntakeReader } from "../core/consultations/intake-reader";
import { pingDatabase } from "../core/db/prisma";
import { buildApp } from "../core/http/app";
import { InboundReplies } from "../core/inbound/inbound-reply-repository";
import { EVENTS_PER_TRANSACTION, INBOUND_BACKOFF_MS, InboundPump, type InboundDeps } from "../workers/inbound.worker";
import { watchedState } from "../core/metrics/watched-state";
import { webUploadOf } from "../bots/web/web-event";
import type { WorkerLocks } from "../workers/job-queues";
import { Schedulers } from "../workers/schedulers";
import { careWiring } from "./compose/care";
import { channelsWiring } from "./compose/channels";
import { colleaguesWiring } from "./compose/colleagues";
import { consiliaWiring } from "./compose/consilia";
import { consultationsWiring } from "./compose/consultations";
import { dialogueWiring } from "./compose/dialogue";
import { foundation } from "./compose/foundation";
import { intakeWiring } from "./compose/intake";
import { renewalsWiring } from "./compose/renewals";
import { reportingWiring } from "./compose/reporting";
import { rightsWiring } from "./compose/rights";
import { rotaWiring } from "./compose/rota";
import { secondOpinionWiring } from "./compose/second-opinion";
import { videoWiring } from "./compose/video";

/** The composition root shared by every process: the capabilities (bin/compose/*.ts) wired together. */
export function compose(config: Config, options: { intake?: IntakeReader; processMetrics?: boolean } = {}) {
  const base = foundation(config, options);
  const { logger, metrics, db, redis, queues, outbox, patients, consents, events, notifier, files } = base;
  const consult = consultationsWiring(base, options);
  const care = careWiring(base, consult.visits, (protocolId) => video.offerReferralSlots(protocolId));
  const video = videoWiring(base, consult.desk, care);
  const renewals = renewalsWiring(base, consult.visits, care);
  const channels = channelsWiring(base, consult.desk, consult.patientMessages);
  const rights = rightsWiring(base, care.accounts, channels.webInbox);
  const intake = intakeWiring(base, consult, video.videoFlow, (account, t) => dialogue.nextStep(account, t));
  const secondOpinion = secondOpinionWiring(base, consult.desk);
  const dialogue = dialogueWiring(base, { video, care, channels, rights, intake, secondOpinion, renewals });
  const reporting = reportingWiring(base);
  const colleagues = colleaguesWiring(base, { intake: options.intake ?? consult.intakes, specialties: consult.specialties, readings: care.readings, protocols: care.protocols });
  const consilia = consiliaWiring(base, consult, video, care);
  const rota = rotaWiring(base, consult.specialties);
  const { telegram, vk, max, web, webInbox, webTokens, inbound, secureChat } = channels;

  // Every repeatable job in one list: worker processes keep them in Redis, /readyz names any Redis lost.
  const schedulers = new Schedulers([
    ...queues.schedulerSpecs(base.outboxJobs),
    ...queues.schedulerSpecs(channels.inboundJobs),
    ...queues.schedulerSpecs(care.reminderJobs),
    ...queues.schedulerSpecs(consult.escalationJobs),
    ...queues.schedulerSpecs(video.videoJobs),
    ...queues.schedulerSpecs(care.labJobs),
    ...queues.schedulerSpecs(rights.retentionJobs),
    ...queues.schedulerSpecs(rota.coverageJobs),
  ]);
  // The inbound worker's deps: each stored event through the dialogue (several in one transaction), its replies
  // written with the processed mark.
  const inboundDeps: InboundDeps = {
    store: inbound,
    transaction: (work) => base.unitOfWork.run(work),
    replies: new InboundReplies(db, outbox),
    decode: (channel, payload) => channels.decoders[channel](payload),
    accounts: (senders) => patients.findOrCreateAccounts(senders, config.DEFAULT_LANGUAGE),
    handle: (event, commit, read) => dialogue.handle(event, commit, read),
    counted: (event, outcome, receivedAt) => {
      metrics.inboundEvents.inc({ channel: event.sender.channel, outcome });
      // From the edge's commit to the step's: the inbound worker's lag, as a queue's job latency.
      if (outcome === "handled") metrics.jobLatency.observe({ queue: "inbound" }, Math.max(0, Date.now() - receivedAt.getTime()) / 1000);
    },
    handled: async (channel, payload) => {
      const upload = channel === "web" ? webUploadOf(payload) : undefined;
      if (upload) await files.remove([upload]);
    },
    logger,
    batch: EVENTS_PER_TRANSACTION,
    attempts: config.INBOUND_ATTEMPTS,
    backoffMs: INBOUND_BACKOFF_MS,
    claimMs: config.INBOUND_CLAIM_SECONDS * 1000,
  };
  const outboxSchedulers = new Schedulers(queues.schedulerSpecs(base.outboxJobs));
  const stack: Array<() => Promise<unknown>> = [];

  return {
    ...base,
    ...consult,
    ...video,
    ...care,
    ...intake,
    ...rights,
    ...renewals,
    ...consilia,
    rota: rota.rota,
    coverageDeps: rota.coverageDeps,
    dialogue,
    telegram,
    vk,
    max,
    webInbox,
    secureChat,
    schedulers,
    inboundDeps,
    inboundBell: channels.inboundBell,

    async startApi() {
      // Queue depths and the outbox and inbound lags, read from Redis and Postgres at each scrape.
      metrics.watch(watchedState(queues.queues(), outbox, inbound));
      const app = await buildApp({
        config,
        redis,
        pingDatabase: () => pingDatabase(db),
        access: new CareAccess(new CareAccessRepository(db)),
        audit: base.audit,
        doctors: consult.doctors,
        video: {
          video: video.video,
          videoEvents: video.videoEvents,
          slots: video.slots,
          attendance: video.attendance,
          recordings: video.recordings,
          livekit: video.livekit,
          webhooks: video.livekitWebhooks,
          links: video.callLinks,
        },
        monitoring: { readings: care.readings, alerts: care.alerts, ingestionTokens: care.ingestionTokens },
        labs: { labs: care.labs, labDirectory: care.labDirectory },
        staff: consult.staff,
        desk: consult.desk,
        specialties: consult.specialties,
        consents,
        files,
        events,
        consoleDir: join(import.meta.dirname, "..", "console", "dist"),
        reminders: care.reminders,
        schedulers,
        telegram: telegram && config.TELEGRAM_MODE === "webhook" ? channels.acceptTelegram : undefined,
        inbound,
        renewals: { renewals: renewals.renewalDesk },
        documents: { protocols: care.protocols, visits: consult.visits, icd10: care.icd10, documents: care.documents, accounts: care.accounts, certificates: care.certificates },
        about: { load: () => loadDisclosure({ doctors: consult.doctors, specialties: consult.specialties, consents }, config) },
        intake: { identity: intake.identity, redFlags: intake.redFlags, oidc: intake.oidc, exams: intake.exams, defaultLanguage: config.DEFAULT_LANGUAGE },
        vk:
          vk && config.VK_MODE === "callback"
            ? { groupId: vk.groupId, secret: config.VK_SECRET!, confirmation: config.VK_CONFIRMATION!, accept: channels.acceptVk }
            : undefined,
        widget: {
          tokens: webTokens,
          inbox: webInbox,
          accept: channels.acceptWeb,
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
        rights: { data: rights.dataRights, erasure: rights.erasure, secureChat },
        max: max && config.MAX_MODE === "webhook" ? { secret: config.MAX_WEBHOOK_SECRET!, accept: channels.acceptMax } : undefined,
        metrics,
        fhir: reporting.fhir,
        misPush: care.mis?.misPush,
        analytics: reporting.analytics,
        colleagues,
        secondOpinion: { translations: secondOpinion.translations },
        consilia: { consilia: consilia.consilia, signing: consilia.consiliumSigning, certificates: care.certificates },
        rota: rota.rota,
      });
      video.videoEvents.start((error) => logger.warn({ err: error }, "video events subscription"));
      stack.push(() => video.videoEvents.stop());
      care.tokenCache.start((error) => logger.warn({ err: error }, "ingestion token revocations subscription"));
      stack.push(() => care.tokenCache.stop());
      stack.push(() => app.close());
      if (telegram && config.TELEGRAM_MODE === "polling") {
        telegram.startPolling(channels.acceptTelegram);
        stack.push(() => telegram.stop());
      } else if (telegram && config.TELEGRAM_WEBHOOK_URL) {
        await telegram.setWebhook(config.TELEGRAM_WEBHOOK_URL, config.TELEGRAM_WEBHOOK_SECRET!);
      }
      if (max && config.MAX_MODE === "polling") {
        max.startPolling(channels.acceptMax);
        stack.push(async () => max.stop());
      } else if (max && config.MAX_WEBHOOK_URL) {
        await max.subscribe(config.MAX_WEBHOOK_URL, config.MAX_WEBHOOK_SECRET!);
      }
      return app;
    },

    /** `locks` shortens the outbox worker's BullMQ job locks (tests of a killed worker); `outboxOnly` runs just the outbox worker. */
    async startWorkers(options: { locks?: WorkerLocks; outboxOnly?: boolean } = {}): Promise<Worker[]> {
      const mine = options.outboxOnly ? outboxSchedulers : schedulers;
      await mine.ensure(true);
      const stopWatching = mine.watch(
        config.SCHEDULER_CHECK_SECONDS * 1000,
        (names) => logger.warn({ schedulers: names }, "schedulers were missing from Redis: re-created"),
        (error) => logger.warn({ err: error }, "schedulers not checked"),
      );
      stack.push(async () => stopWatching());
      const workers = [
        queues.start(
          base.outboxJobs,
          {
            outbox,
            patients,
            channels: { telegram: telegram?.channel, vk: vk?.channel, web, max: max?.channel },
            logger,
            limiter: base.sendLimiter,
            render: (delivery) => secureChat.render(delivery),
            rateLimited: (channel) => metrics.outboxRateLimited.inc({ channel }),
            follow: base.enqueueSend,
          },
          options.locks,
        ),
      ];
      if (!options.outboxOnly) {
        workers.push(
          queues.start(video.videoJobs, { redis, prefix: config.REDIS_PREFIX, video: video.video, notifier, recordings: video.recordings, referralOffer: video.referralOffer }),
          queues.start(care.documentsJobs, { documents: care.documents, logger }),
          queues.start(care.readingJobs, { alerts: care.alerts }),
          queues.start(care.labJobs, { labs: care.labs, directory: care.labDirectory, protocols: care.protocols, logger }),
          queues.start(consult.escalationJobs, {
            consultations: consult.consultationRows,
            desk: consult.desk,
            rules: config.ESCALATE_AFTER_MINUTES,
            urgentMinutes: config.ESCALATE_URGENT_AFTER_MINUTES,
            specialties: consult.specialties,
            logger,
          }),
          queues.start(care.reminderJobs, { reminders: care.reminders, protocols: care.protocols, logger }),
          queues.start(channels.inboundJobs, { store: inbound }),
          queues.start(rights.retentionJobs, { erasure: rights.erasure, sweep: rights.retentionSweep, logger }),
          queues.start(rota.coverageJobs, rota.coverageDeps(telegram?.channel)),
        );
        if (care.mis) workers.push(queues.start(care.mis.misPushJobs, { misPush: care.mis.misPush, logger }));
        const pump = new InboundPump(inboundDeps);
        pump.start();
        const unlisten = channels.inboundBell.listen(() => pump.wake());
        stack.push(async () => {
          unlisten();
          await pump.stop();
        });
        if (vk && config.VK_MODE === "longpoll") {
          vk.startLongPoll(channels.acceptVk);
          stack.push(async () => vk.stop());
        }
      }
      for (const worker of workers) metrics.observeWorker(worker);
      return workers;
    },

    /** Stops intake first, then the workers and queues, then the connections: the reverse of start. */
    async close() {
      while (stack.length) await stack.pop()!();
      await queues.close();
      await events.close();
      await webInbox.close();
      await db.$disconnect();
      await base.sql.end();
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
