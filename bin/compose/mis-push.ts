import { fhirRepository } from "../../core/fhir/fhir-repository";
import { HttpMisClient } from "../../core/fhir/mis-client";
import { MisPush } from "../../core/fhir/mis-push";
import { MisPushRepository } from "../../core/fhir/mis-push-repository";
import { enqueueMisPush, misPushQueue } from "../../workers/mis-push.worker";
import type { Foundation } from "./foundation";

/** Push on signing (issue 20): only when the clinic configured its MIS (MIS_FHIR_URL); otherwise nothing is queued or sent. */
export function misPushWiring({ config, db, files, audit, queues }: Foundation) {
  if (!config.MIS_FHIR_URL || !config.MIS_BEARER_TOKEN) return undefined;
  const queued = queues.open(misPushQueue);
  const retries = { attempts: config.MIS_PUSH_ATTEMPTS, backoffMs: config.MIS_PUSH_BACKOFF_MS };
  const misPush = new MisPush({
    pushes: new MisPushRepository(db),
    rows: fhirRepository(db),
    files,
    audit,
    client: new HttpMisClient(config.MIS_FHIR_URL, config.MIS_BEARER_TOKEN),
    context: { baseUrl: `${config.PUBLIC_URL.replace(/\/$/, "")}/fhir/R4`, clinicName: config.CLINIC_NAME },
    enqueue: (protocolId) => enqueueMisPush(queued, protocolId, retries),
  });
  return { misPush, misPushJobs: misPushQueue };
}
