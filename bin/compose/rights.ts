import type { AccountService } from "../../core/account/account-service";
import type { WebInbox } from "../../core/channels/web-inbox";
import { DataRights } from "../../core/rights/data-rights";
import { PatientErasure } from "../../core/rights/patient-erasure";
import { RetentionSweep } from "../../core/rights/retention-sweep";
import { enqueueErasure, retentionQueue } from "../../workers/retention.worker";
import type { Foundation } from "./foundation";

/** The patient's data rights (export, erasure) and the retention of everything else. */
export function rightsWiring({ config, db, files, queues }: Foundation, accounts: AccountService, webInbox: WebInbox) {
  const queue = queues.open(retentionQueue);
  const erasure = new PatientErasure({
    db,
    files,
    queue: { enqueueErasure: (patientId) => enqueueErasure(queue, patientId) },
    retention: config.RETENTION_PERIODS,
    clearWebChat: (visitorId) => webInbox.clear(visitorId),
  });
  return {
    retentionJobs: retentionQueue,
    erasure,
    retentionSweep: new RetentionSweep(db, files, config.RETENTION_PERIODS),
    dataRights: new DataRights({ db, erasure, loginLink: (id) => accounts.createLoginLink(id), linkTtlSeconds: config.ACCOUNT_LINK_TTL_SECONDS }),
  };
}
