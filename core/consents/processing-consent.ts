import type { Db, Tx } from "../db/prisma";
import { AppError } from "../errors";
import { groupCommit } from "../group-commit";
import { consentStates } from "./consent-repository";
import { requiredConsents } from "./consent-kinds";

/**
 * The one answer to "may we process this patient's data now?" (152-FZ art. 9: after a withdrawal processing stops),
 * asked by every path that takes in or sends out health data outside the chat dialogue: device readings, lab
 * deliveries, reminders, doctors' replies. Processing stops when the patient has withdrawn a required consent and
 * not given it again (any version: a newer text is asked in the dialogue, it does not stop devices). A patient who
 * never consented through a messenger (a record from the clinic's own systems, consent on paper) is not stopped here:
 * the dialogue asks before anything medical is taken from the messenger.
 */
export class ProcessingConsent {
  constructor(private readonly db: Db | Tx) {}

  /** Of these patients, those whose data may not be processed now. */
  async withdrawn(patientIds: string[]): Promise<Set<string>> {
    if (patientIds.length === 0) return new Set();
    const rows = await consentStates(this.db, [...new Set(patientIds)], requiredConsents.map((c) => c.kind));
    const stopped = new Set<string>();
    for (const row of rows) {
      if (!row.withdrawnAt) continue;
      const givenAgain = rows.some((r) => r.patientId === row.patientId && r.kind === row.kind && !r.withdrawnAt);
      if (!givenAgain) stopped.add(row.patientId);
    }
    return stopped;
  }

  async allows(patientId: string): Promise<boolean> {
    return !(await this.withdrawn([patientId])).has(patientId);
  }

  /** Throws `consent_withdrawn` (HTTP 403) naming what was refused. */
  async require(patientId: string, what: string): Promise<void> {
    if (!(await this.allows(patientId))) throw refused(what);
  }

  /**
   * `require` for a path that takes many small requests at once (device readings, one per request): the checks that
   * arrive while one query runs share the next (group commit), so a burst costs a query, not one per request. The
   * answer is as fresh as `require`'s: every check reads Postgres, none is cached.
   */
  shared(what: string): (patientId: string) => Promise<void> {
    const check = groupCommit(async (patientIds: string[]) => {
      const stopped = await this.withdrawn(patientIds);
      return patientIds.map((id) => !stopped.has(id));
    }, { max: 500 });
    return async (patientId) => {
      if (!(await check(patientId))) throw refused(what);
    };
  }
}

const refused = (what: string) => new AppError("consent_withdrawn", `${what} refused: the patient has withdrawn consent to the processing of their data`);
