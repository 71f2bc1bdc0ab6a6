import type { FhirResource } from "./fhir-resources";

type Identifier = { system: string; value: string };

/** How one resource is written into the MIS: created or refreshed, matched by our identifier, never by our ids. */
export interface TransactionPart {
  resource: FhirResource;
  /** `update`: conditional update (the patient and the visit change); `create`: conditional create (a signed version never does). */
  write: "update" | "create";
  match: Identifier;
}

const search = (match: Identifier) => `identifier=${encodeURIComponent(`${match.system}|${match.value}`)}`;

/** Every `reference` inside a resource, rewritten by `to` (contained `#…` references are left alone). */
function rewriteReferences(value: unknown, to: (reference: string) => string): unknown {
  if (Array.isArray(value)) return value.map((item) => rewriteReferences(item, to));
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, key === "reference" && typeof item === "string" && !item.startsWith("#") ? to(item) : rewriteReferences(item, to)]),
  );
}

/**
 * A FHIR R4 transaction Bundle that writes the parts into a MIS any number of times with the same result: each entry
 * is a conditional create (`ifNoneExist`) or a conditional update on our identifier, so a repeated push (a crash
 * after the MIS answered) adds nothing. Entries are `urn:uuid:` full urls without ids (the MIS assigns its own);
 * references between them point at those urls, references to resources sent earlier at a conditional reference
 * (`outside`, e.g. the protocol version a correction replaces), which the MIS resolves by identifier.
 */
export function misTransaction(parts: TransactionPart[], outside: Record<string, Identifier> = {}): FhirResource {
  const fullUrls = new Map(parts.map((part) => [`${part.resource.resourceType}/${part.resource.id}`, `urn:uuid:${part.resource.id}`]));
  const target = (reference: string) => {
    const conditional = outside[reference];
    return fullUrls.get(reference) ?? (conditional ? `${reference.split("/")[0]}?${search(conditional)}` : reference);
  };
  return {
    resourceType: "Bundle",
    id: crypto.randomUUID(),
    type: "transaction",
    entry: parts.map(({ resource, write, match }) => {
      const { id, ...body } = rewriteReferences(resource, target) as FhirResource;
      const type = resource.resourceType;
      return {
        fullUrl: `urn:uuid:${id}`,
        resource: body,
        request: write === "update" ? { method: "PUT", url: `${type}?${search(match)}` } : { method: "POST", url: type, ifNoneExist: search(match) },
      };
    }),
  };
}
