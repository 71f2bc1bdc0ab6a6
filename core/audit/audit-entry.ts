export type Actor =
  | { type: "doctor"; id: string }
  | { type: "patient"; id: string }
  | { type: "staff"; id: string }
  /** A registered FHIR client (the clinic's MIS), by its client_id: core/fhir. */
  | { type: "client"; id: string }
  | { type: "system" };

export interface AuditEntry {
  actor: Actor;
  /** What was done, as `<entity>.<verb>`, e.g. `consultation.read`. */
  action: string;
  entityType: string;
  entityId: string;
  meta?: Record<string, unknown>;
}
