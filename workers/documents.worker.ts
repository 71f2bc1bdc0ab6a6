import type { Job, Queue } from "bullmq";
import { z } from "zod";
import type { DocumentService } from "../core/documents/document-service";
import type { Logger } from "../core/logger";
import { queueNames } from "../core/redis-keys";
import type { QueueDeclaration } from "./job-queues";

export const DOCUMENTS_QUEUE = queueNames.documents;

/** Ids only: BullMQ keeps job data in clear text in Redis. */
const produceJobSchema = z.object({ protocolId: z.uuid() });

export async function enqueueDocuments(queue: Queue, protocolId: string): Promise<void> {
  await queue.add("produce", produceJobSchema.parse({ protocolId }), {
    // One job per signed protocol version, however often it is asked for.
    jobId: `docs-${protocolId}`,
    attempts: 6,
    backoff: { type: "exponential", delay: 2000 },
    removeOnComplete: true,
    removeOnFail: { age: 7 * 24 * 3600 },
  });
}

export interface DocumentsWorkerDeps {
  documents: DocumentService;
  logger: Logger;
}

/** Renders, signs and stores the documents of one signed protocol; a missing protocol or draft is not retried (the error policy). */
export async function processDocuments(job: Pick<Job, "data">, deps: DocumentsWorkerDeps): Promise<number> {
  const { protocolId } = produceJobSchema.parse(job.data);
  try {
    const made = (await deps.documents.produce(protocolId)).length;
    await deps.documents.noteFailure(protocolId, null);
    return made;
  } catch (error) {
    // The console shows the doctor why the documents are not there (e.g. no signing certificate), not a spinner.
    await deps.documents.noteFailure(protocolId, error instanceof Error ? error.message : String(error)).catch(() => undefined);
    deps.logger.warn({ protocolId, err: error }, "documents job failed");
    throw error;
  }
}

export const documentsQueue: QueueDeclaration<DocumentsWorkerDeps> = {
  name: DOCUMENTS_QUEUE,
  concurrency: 2,
  process: (job, deps) => processDocuments(job, deps),
  logFailures: false,
};
