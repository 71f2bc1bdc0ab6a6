import { Queue, UnrecoverableError, Worker, type ConnectionOptions, type Job } from "bullmq";
import { z } from "zod";
import type { DocumentService } from "../core/documents/document-service";
import { AppError } from "../core/errors";
import type { Logger } from "../core/logger";

export const DOCUMENTS_QUEUE = "documents";

/** Ids only: BullMQ keeps job data in clear text in Redis. */
const produceJobSchema = z.object({ protocolId: z.uuid() });

export function createDocumentsQueue(connection: ConnectionOptions, prefix: string) {
  const queue = new Queue(DOCUMENTS_QUEUE, { connection, prefix });
  const enqueue = async (protocolId: string) => {
    await queue.add("produce", produceJobSchema.parse({ protocolId }), {
      // One job per signed protocol version, however often it is asked for.
      jobId: `docs-${protocolId}`,
      attempts: 6,
      backoff: { type: "exponential", delay: 2000 },
      removeOnComplete: true,
      removeOnFail: { age: 7 * 24 * 3600 },
    });
  };
  return { queue, enqueue };
}

export interface DocumentsWorkerDeps {
  documents: DocumentService;
  logger: Logger;
}

/** Renders, signs and stores the documents of one signed protocol; a missing protocol or draft is not retried. */
export async function processDocuments(job: Pick<Job, "data">, deps: DocumentsWorkerDeps): Promise<number> {
  const { protocolId } = produceJobSchema.parse(job.data);
  try {
    const made = (await deps.documents.produce(protocolId)).length;
    await deps.documents.noteFailure(protocolId, null);
    return made;
  } catch (error) {
    // The console shows the doctor why the documents are not there (e.g. no signing certificate), not a spinner.
    await deps.documents.noteFailure(protocolId, error instanceof Error ? error.message : String(error)).catch(() => undefined);
    if (error instanceof AppError && (error.code === "not_found" || error.code === "conflict")) {
      throw new UnrecoverableError(error.message);
    }
    deps.logger.warn({ protocolId, err: error }, "documents job failed, will retry");
    throw error;
  }
}

export function startDocumentsWorker(connection: ConnectionOptions, prefix: string, deps: DocumentsWorkerDeps, concurrency = 2): Worker {
  const worker = new Worker(DOCUMENTS_QUEUE, (job) => processDocuments(job, deps), { connection, prefix, concurrency });
  worker.on("error", (error) => deps.logger.error({ err: error }, "documents worker error"));
  return worker;
}
