import type { AuditRepository } from "../audit/audit-repository";
import type { StoredFiles } from "../files/stored-files";
import { addDays, type RetentionPeriods } from "./retention";
import type { RetentionRepository } from "./retention-repository";

export interface SweepResult {
  deliveryCopies: number;
  unfinishedIntakes: number;
  patientsDestroyed: number;
}

/**
 * Removes what is past its retention period (core/rights/retention.ts). Each run is audited; the audit trail
 * itself is never deleted here (append-only, see README "Law").
 */
export class RetentionSweep {
  constructor(
    private readonly records: RetentionRepository,
    private readonly audit: AuditRepository,
    private readonly files: StoredFiles,
    private readonly periods: RetentionPeriods,
  ) {}

  async run(now = new Date()): Promise<SweepResult> {
    const copiesBefore = addDays(now, -this.periods.delivery_copy.days);
    const deliveryCopies = await this.records.deleteDeliveryCopies(copiesBefore);
    const intakesBefore = addDays(now, -this.periods.unfinished_intake.days);
    const unfinishedIntakes = await this.records.deleteUnfinishedIntakes(intakesBefore);
    const due = await this.records.pastRetention(now, 100);
    for (const id of due) await this.files.remove(await this.records.destroyPatient(id));
    const result = { deliveryCopies, unfinishedIntakes, patientsDestroyed: due.length };
    await this.audit.record({ actor: { type: "system" }, action: "retention.sweep", entityType: "retention", entityId: now.toISOString().slice(0, 10), meta: { ...result } });
    return result;
  }
}
