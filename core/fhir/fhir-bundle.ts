import type { FhirResource } from "./fhir-resources";
import type { SearchResult } from "./fhir-export";

/** A `searchset` Bundle with `self` and, while there is more, `next` (the same query at the next `_offset`). */
export function searchsetBundle(baseUrl: string, path: string, query: Record<string, string | string[] | undefined>, result: SearchResult): FhirResource {
  const url = (offset?: number) => {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) if (name !== "_offset") for (const v of [value ?? []].flat()) params.append(name, v);
    if (offset) params.set("_offset", String(offset));
    const search = params.toString();
    return `${baseUrl}${path}${search ? `?${search}` : ""}`;
  };
  const offset = Number([query._offset].flat()[0] ?? 0);
  return {
    resourceType: "Bundle",
    id: crypto.randomUUID(),
    meta: { lastUpdated: new Date().toISOString() },
    type: "searchset",
    total: result.total,
    link: [{ relation: "self", url: url(offset) }, ...(result.nextOffset !== undefined ? [{ relation: "next", url: url(result.nextOffset) }] : [])],
    entry: result.resources.map((resource) => ({ fullUrl: `${baseUrl}/${resource.resourceType}/${resource.id}`, resource, search: { mode: "match" } })),
  };
}

const issueCodes: Record<number, string> = { 400: "invalid", 401: "login", 403: "forbidden", 404: "not-found" };

/** FHIR's error body: one issue with the reason. */
export function operationOutcome(status: number, diagnostics: string): FhirResource {
  return {
    resourceType: "OperationOutcome",
    id: crypto.randomUUID(),
    issue: [{ severity: "error", code: issueCodes[status] ?? (status >= 500 ? "exception" : "processing"), diagnostics }],
  };
}
