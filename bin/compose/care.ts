import { readFileSync } from "node:fs";
import { AccountRepository } from "../../core/account/account-repository";
import { AccountService } from "../../core/account/account-service";
import { checkSealImage } from "../../core/attachments/upload-check";
import { P12Directory, P12DocumentSigner } from "../../core/documents/document-signer";
import { DocumentRepository } from "../../core/documents/document-repository";
import { DocumentService } from "../../core/documents/document-service";
import { SigningCertificateRepository } from "../../core/documents/signing-certificate-repository";
import { SigningCertificates } from "../../core/documents/signing-certificates";
import { Icd10Catalogue } from "../../core/icd10/icd10";
import { ProcessingConsent } from "../../core/consents/processing-consent";
import { ConsiliumRepository } from "../../core/consilia/consilium-repository";
import { LabRepository } from "../../core/labs/lab-repository";
import { LabService } from "../../core/labs/lab-service";
import { LabDirectory, loadLabs } from "../../core/labs/labs-config";
import { AlertRepository } from "../../core/monitoring/alert-repository";
import { AlertService } from "../../core/monitoring/alerts";
import { TokenCache } from "../../core/monitoring/token-cache";
import { IngestionTokens } from "../../core/monitoring/ingestion-tokens";
import { MonitoringRepository } from "../../core/monitoring/monitoring-repository";
import { ReadingService } from "../../core/monitoring/reading-service";
import { ReadingWriter } from "../../core/monitoring/reading-repository";
import type { InPersonVisits } from "../../core/protocols/in-person-visits";
import { ProtocolRepository } from "../../core/protocols/protocol-repository";
import { ProtocolService } from "../../core/protocols/protocol-service";
import { ReminderRepository } from "../../core/reminders/reminder-repository";
import { ReminderService } from "../../core/reminders/reminder-service";
import { documentsQueue, enqueueDocuments } from "../../workers/documents.worker";
import { enqueueReferralOrders, labsQueue } from "../../workers/labs.worker";
import { enqueueEvaluation, readingsQueue } from "../../workers/readings.worker";
import { enqueuePrescribedReminders, remindersQueue } from "../../workers/reminders.worker";
import type { Foundation } from "./foundation";
import { misPushWiring } from "./mis-push";

/**
 * After the consultation: protocols and their signed documents, lab orders and results, device readings and
 * their alerts, medication reminders, and the patient's account that shows them. A signed protocol queues its
 * documents, its referrals' lab orders, its prescriptions' reminders and, when configured, its push to the MIS.
 */
export function careWiring(
  base: Foundation,
  visits: InPersonVisits,
  /** What else follows a signature (queues the in-person slots a referral offers: bin/compose/video.ts). */
  afterSigned: (protocolId: string) => Promise<void>,
) {
  const { config, db, outbox, notifier, events, files, audit, queues } = base;
  const mis = misPushWiring(base);
  const reminders = new ReminderService(new ReminderRepository(db), outbox, { snoozeMinutes: config.REMINDERS_SNOOZE_MINUTES });
  const reminderJobs = remindersQueue(config.REMINDERS_TICK_MS);
  const documentsQueued = queues.open(documentsQueue);
  const labDirectory = new LabDirectory(loadLabs(config));
  const labJobs = labsQueue(labDirectory);
  const labsQueued = queues.open(labJobs);
  const remindersQueued = queues.open(reminderJobs);
  // Uploaded in the console (encrypted like every file), else the files in DOCTOR_CERTS_DIR.
  const certificates = new SigningCertificates(new SigningCertificateRepository(db), files, new P12Directory(config.DOCTOR_CERTS_DIR, config.DOCTOR_CERTS_PASSWORD));
  const icd10 = Icd10Catalogue.fromShippedFile();
  // A signature made inside a larger transaction (a renewal's approval) is followed once that has committed.
  const protocols = new ProtocolService(new ProtocolRepository(db), audit, visits, (protocolId) =>
    base.unitOfWork.afterCommit(async () => {
      await enqueueDocuments(documentsQueued, protocolId);
      await enqueueReferralOrders(labsQueued, protocolId);
      await enqueuePrescribedReminders(remindersQueued, protocolId);
      await mis?.misPush.queue(protocolId);
      await afterSigned(protocolId);
    }),
  );
  const signer = new P12DocumentSigner(certificates);
  const clinic = {
    name: config.CLINIC_NAME,
    licence: config.CLINIC_LICENSE,
    address: config.CLINIC_ADDRESS,
    seal: config.CLINIC_SEAL_PNG ? checkSealImage(readFileSync(config.CLINIC_SEAL_PNG), { maxPixels: config.UPLOAD_MAX_MEGAPIXELS * 1_000_000 }) : undefined,
  };
  const documents = new DocumentService({
    documents: new DocumentRepository(db),
    audit,
    protocols,
    files,
    notifier,
    icd10,
    signer,
    clinic,
    countersigned: new ConsiliumRepository(db),
  });
  const readingJobs = readingsQueue();
  const readingsQueued = queues.open(readingJobs);
  const monitoring = new MonitoringRepository(db);
  const tokenCache = new TokenCache(base.redis, config.REDIS_PREFIX);
  const labs = new LabService(new LabRepository(db), labDirectory, notifier, events, new ProcessingConsent(db));
  return {
    mis,
    reminders,
    reminderJobs,
    documentsJobs: documentsQueue,
    /** For a consilium's protocol, signed by each of its doctors (bin/compose/consilia.ts). */
    signer,
    clinic,
    enqueueDocuments: (protocolId: string) => enqueueDocuments(documentsQueued, protocolId),
    certificates,
    icd10,
    protocols,
    documents,
    readingJobs,
    tokenCache,
    ingestionTokens: new IngestionTokens(monitoring, config.PUBLIC_URL, tokenCache),
    readings: new ReadingService(
      monitoring,
      new ReadingWriter(db, base.sql, { enqueueEvaluation: (groups) => enqueueEvaluation(readingsQueued, groups) }),
      new ProcessingConsent(db),
    ),
    alerts: new AlertService(new AlertRepository(db, base.sql), notifier, events),
    labDirectory,
    labJobs,
    labs,
    // The patient account shows signed documents and lab results.
    accounts: new AccountService(new AccountRepository(db), audit, documents, labs, {
      baseUrl: config.PUBLIC_URL,
      linkTtlSeconds: config.ACCOUNT_LINK_TTL_SECONDS,
      sessionTtlSeconds: config.ACCOUNT_SESSION_TTL_SECONDS,
    }),
  };
}
