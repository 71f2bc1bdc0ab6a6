/** The resource types the FHIR export serves; `Binary` is the signed PDF a DocumentReference points at. */
export const fhirResourceTypes = ["Patient", "Encounter", "Composition", "DocumentReference", "Binary", "Observation", "DiagnosticReport", "Consent"] as const;
export type FhirResourceType = (typeof fhirResourceTypes)[number];

/** What a SMART system scope allows: reading by id (`r`) and searching (`s`) one type or all (`*`). */
export interface Permission {
  type: FhirResourceType | "*";
  read: boolean;
  search: boolean;
}

/**
 * Parses `system/<Type|*>.<read|rs|r|s>` (SMART v1 `.read` means read and search; v2 spells it `.rs`).
 * Write permissions (`.write`, `c`, `u`, `d`) are not offered: the export is read-only. Null for anything else.
 */
export function parseScope(scope: string): Permission | null {
  const match = /^system\/(\*|[A-Za-z]+)\.(read|[cruds]+)$/.exec(scope);
  if (!match) return null;
  const [, type, access] = match as unknown as [string, string, string];
  if (type !== "*" && !(fhirResourceTypes as readonly string[]).includes(type)) return null;
  if (access === "read") return { type: type as Permission["type"], read: true, search: true };
  // v2 letters come in the order c, r, u, d, s; any write letter asks for what we never grant.
  if (!/^r?s?$/.test(access)) return null;
  return { type: type as Permission["type"], read: access.includes("r"), search: access.includes("s") };
}

const covers = (outer: Permission, inner: Permission) =>
  (outer.type === "*" || outer.type === inner.type) && (outer.read || !inner.read) && (outer.search || !inner.search);

/** The requested scopes the client's registered scopes cover, as requested (OAuth: the grant may be narrower). */
export function grantScopes(requested: string[], allowed: string[]): string[] {
  const allowedPermissions = allowed.map(parseScope).filter((p): p is Permission => p !== null);
  return requested.filter((scope) => {
    const wanted = parseScope(scope);
    return wanted !== null && allowedPermissions.some((p) => covers(p, wanted));
  });
}

/** Whether granted scopes allow `interaction` on `type`. */
export function allows(granted: string[], type: FhirResourceType, interaction: "read" | "search"): boolean {
  return granted.some((scope) => {
    const p = parseScope(scope);
    return p !== null && (p.type === "*" || p.type === type) && p[interaction];
  });
}
