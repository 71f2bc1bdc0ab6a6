/**
 * The audit log as the rest of the code names it: who did what (core/audit/audit-entry.ts) and `recordAudit`, whose
 * write sits in the audit repository.
 */
export type { Actor, AuditEntry } from "./audit-entry";
export { recordAudit } from "./audit-repository";
