import type { AccountService } from "../../core/account/account-service";
import type { WebInbox } from "../../core/channels/web-inbox";
import { DataRights } from "../../core/rights/data-rights";
import { PatientDataRepository } from "../../core/rights/patient-data-repository";
import { PatientErasure } from "../../core/rights/patient-erasure";
import { PatientErasureRepository } from "../../core/rights/patient-erasure-repository";
import { RetentionRepository } from "../../core/rights/retention-repository";
import { RetentionSweep } from "../../core/rights/retention-sweep";
import { enqueueErasure, retentionQueue } from "../../workers/retention.worker";
import type { Foundation } from "./foundation";

/** The patient's data rights (export, erasure) and the retention of everything else. */
export function rightsWiring({ config, db, files, audit, queues, unitOfWork }: Foundation, accounts: AccountService, webInbox: WebInbox) {
  const queue = queues.open(retentionQueue);
  const erasure = new PatientErasure({
    patients: new PatientErasureRepository(db),
    audit,
    files,
    queue: { enqueueErasure: (patientId) => unitOfWork.afterCommit(() => enqueueErasure(queue, patientId)) },
    retention: config.RETENTION_PERIODS,
    clearWebChat: (visitorId) => webInbox.clear(visitorId),
  });
  return {
    retentionJobs: retentionQueue,
    erasure,
    retentionSweep: new RetentionSweep(new RetentionRepository(db), audit, files, config.RETENTION_PERIODS),
    dataRights: new DataRights({
      patients: new PatientDataRepository(db),
      audit,
      erasure,
      loginLink: (id) => accounts.createLoginLink(id),
      linkTtlSeconds: config.ACCOUNT_LINK_TTL_SECONDS,
    }),
  };
}
