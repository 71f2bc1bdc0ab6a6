import type { Job, Queue } from "bullmq";
import { z } from "zod";
import type { LabService } from "../core/labs/lab-service";
import type { LabDirectory } from "../core/labs/labs-config";
import type { Logger } from "../core/logger";
import type { ProtocolService } from "../core/protocols/protocol-service";
import { queueNames } from "../core/redis-keys";
import type { QueueDeclaration } from "./job-queues";

const pullJobSchema = z.object({ labId: z.string().min(1) });
const referralOrdersJobSchema = z.object({ protocolId: z.uuid() });
const MAX_PAGES = 20;

export interface LabsWorkerDeps {
  labs: LabService;
  directory: LabDirectory;
  protocols: ProtocolService;
  logger: Logger;
  fetch?: typeof fetch;
}

/** One repeatable pull per laboratory that delivers through its FHIR server. */
function labPulls(directory: LabDirectory): QueueDeclaration<LabsWorkerDeps>["schedulers"] {
  return directory.pulling().map((lab) => ({
    id: `pull-${lab.id}`,
    everyMs: lab.delivery.intervalSeconds * 1000,
    job: {
      name: "pull",
      data: pullJobSchema.parse({ labId: lab.id }),
      opts: { attempts: 3, backoff: { type: "exponential", delay: 5000 }, removeOnComplete: true, removeOnFail: { count: 100 } },
    },
  }));
}

/** Called when a protocol is signed: its lab-test referrals become orders (one job per protocol version). */
export async function enqueueReferralOrders(queue: Queue, protocolId: string): Promise<void> {
  await queue.add("referral-orders", referralOrdersJobSchema.parse({ protocolId }), {
    jobId: `orders-${protocolId}`,
    attempts: 6,
    backoff: { type: "exponential", delay: 2000 },
    removeOnComplete: true,
    removeOnFail: { age: 7 * 24 * 3600 },
  });
}

export async function processReferralOrders(job: Pick<Job, "data">, deps: LabsWorkerDeps): Promise<number> {
  const { protocolId } = referralOrdersJobSchema.parse(job.data);
  const protocol = await deps.protocols.load(protocolId);
  if (protocol.status !== "signed") return 0;
  return deps.labs.ordersFromReferrals({ ...protocol, referrals: protocol.content.referrals });
}

/**
 * Asks the lab's FHIR server for reports changed since the last pull (`_lastUpdated=gt…`, results included),
 * hands each page to the lab service and moves the cursor only after the page is stored: a crash repeats a page,
 * which stores nothing twice (results are unique per lab, report and observation).
 */
export async function processPull(job: Pick<Job, "data">, deps: LabsWorkerDeps): Promise<{ pages: number; reports: number }> {
  const { labId } = pullJobSchema.parse(job.data);
  const lab = deps.directory.pulling().find((l) => l.id === labId);
  if (!lab) return { pages: 0, reports: 0 };
  const doFetch = deps.fetch ?? fetch;
  const since = (await deps.labs.pulledUntil(labId)) ?? new Date(0);
  const base = lab.delivery.baseUrl.replace(/\/$/, "");
  let url: string | undefined = `${base}/DiagnosticReport?_lastUpdated=gt${since.toISOString()}&_include=DiagnosticReport:result&_sort=_lastUpdated&_count=100`;
  let pages = 0;
  let reports = 0;
  let newest = since;
  while (url && pages < MAX_PAGES) {
    const response = await doFetch(url, {
      headers: { accept: "application/fhir+json", ...(lab.delivery.bearerToken ? { authorization: `Bearer ${lab.delivery.bearerToken}` } : {}) },
      signal: AbortSignal.timeout(30_000),
    });
    if (!response.ok) throw new Error(`lab ${labId} answered ${response.status}`);
    const bundle = (await response.json()) as {
      entry?: Array<{ resource?: { resourceType?: string; meta?: { lastUpdated?: string } } }>;
      link?: Array<{ relation?: string; url?: string }>;
    };
    pages++;
    const found = (bundle.entry ?? []).filter((e) => e.resource?.resourceType === "DiagnosticReport");
    if (found.length) {
      await deps.labs.ingest(labId, bundle);
      reports += found.length;
      for (const entry of found) {
        const updated = entry.resource?.meta?.lastUpdated;
        if (updated && new Date(updated) > newest) newest = new Date(updated);
      }
      await deps.labs.notePulledUntil(labId, newest);
    }
    url = bundle.link?.find((l) => l.relation === "next")?.url;
  }
  deps.logger.info({ labId, pages, reports }, "lab pull done");
  return { pages, reports };
}

export const labsQueue = (directory: LabDirectory): QueueDeclaration<LabsWorkerDeps> => ({
  name: queueNames.labs,
  concurrency: 2,
  process: (job, deps) => (job.name === "referral-orders" ? processReferralOrders(job, deps) : processPull(job, deps)),
  schedulers: labPulls(directory),
});
