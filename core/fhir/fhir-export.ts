import { recordAudit } from "../audit/audit-log";
import type { Db } from "../db/prisma";
import { AppError, notFound } from "../errors";
import type { FileContent, StoredFiles } from "../files/stored-files";
import { fhirRepository, type Filter, type RowSource } from "./fhir-repository";
import * as map from "./fhir-resources";
import type { FhirResource, MappingContext } from "./fhir-resources";
import { parseSearch } from "./search-params";
import { allows, type FhirResourceType } from "./scopes";
import type { GrantedAccess } from "./smart-auth";

export type SearchableType = Exclude<FhirResourceType, "Binary">;

/** A table's rows as resources, each with the patient it belongs to (for the audit). */
interface ResourceSource {
  count(filter: Filter): Promise<number>;
  page(filter: Filter, offset: number, limit: number): Promise<Array<{ patientId: string; resource: FhirResource }>>;
  byId(id: string): Promise<{ patientId: string; resource: FhirResource } | null>;
}

/** A RowSource whose rows become resources; a Patient row is its own patient. */
function mapped<Row extends { patientId: string } | { id: string }>(rows: RowSource<Row>, toResource: (row: Row) => FhirResource): ResourceSource {
  const entry = (row: Row) => ({ patientId: "patientId" in row ? row.patientId : row.id, resource: toResource(row) });
  return {
    count: (filter) => rows.count(filter),
    page: async (filter, offset, limit) => (await rows.page(filter, offset, limit)).map(entry),
    byId: async (id) => {
      const row = await rows.byId(id);
      return row ? entry(row) : null;
    },
  };
}

/** Pages through several sources as one list (Observation: home readings, then lab results; `$everything`: every type). */
async function pageAcross(sources: ResourceSource[], filter: Filter, offset: number, limit: number) {
  const counts = await Promise.all(sources.map((s) => s.count(filter)));
  const entries: Awaited<ReturnType<ResourceSource["page"]>> = [];
  let skip = offset;
  for (const [index, source] of sources.entries()) {
    if (entries.length >= limit) break;
    if (skip >= counts[index]!) {
      skip -= counts[index]!;
      continue;
    }
    entries.push(...(await source.page(filter, skip, limit - entries.length)));
    skip = 0;
  }
  return { total: counts.reduce((a, b) => a + b, 0), entries };
}

export interface SearchResult {
  total: number;
  resources: FhirResource[];
  /** The offset of the next page, when there is one. */
  nextOffset?: number;
}

/**
 * The clinic's record as FHIR R4 for its MIS: reads, searches and `$everything`, each checked against the token's
 * scopes and audited per patient with the client as the actor.
 */
export class FhirExport {
  private readonly sources: Record<SearchableType, ResourceSource[]>;
  private readonly documentByFile: (fileId: string) => Promise<{ id: string; patientId: string } | null>;

  constructor(
    private readonly db: Db,
    private readonly files: StoredFiles,
    context: MappingContext,
  ) {
    const repo = fhirRepository(db);
    this.sources = {
      Patient: [mapped(repo.patients, map.patientResource)],
      Encounter: [mapped(repo.consultations, map.encounterResource)],
      Composition: [mapped(repo.protocols, (row) => map.compositionResource(row, context))],
      DocumentReference: [mapped(repo.documents, (row) => map.documentReferenceResource(row, context))],
      Observation: [mapped(repo.readings, map.readingObservation), mapped(repo.labResults, map.labObservation)],
      DiagnosticReport: [mapped(repo.reports, map.diagnosticReportResource)],
      Consent: [mapped(repo.consents, map.consentResource)],
    };
    this.documentByFile = repo.documentByFile;
  }

  async read(access: GrantedAccess, type: SearchableType, id: string): Promise<FhirResource> {
    this.require(access, type, "read");
    for (const source of this.sources[type]) {
      const found = await source.byId(id);
      if (!found) continue;
      await this.audit(access, "fhir.read", [found.patientId], { resourceType: type });
      return found.resource;
    }
    throw notFound(`${type}/${id}`);
  }

  async search(access: GrantedAccess, type: SearchableType, query: Record<string, string | string[] | undefined>): Promise<SearchResult> {
    this.require(access, type, "search");
    const { count, offset, ...filter } = parseSearch(type, query);
    const page = await pageAcross(this.sources[type], filter, offset, count);
    await this.audit(access, "fhir.search", page.entries.map((e) => e.patientId), { resourceType: type });
    return this.result(page, offset);
  }

  /** Everything about one patient that the token may see, paged like a search (`_count`, `_offset`). */
  async everything(access: GrantedAccess, patientId: string, query: Record<string, string | string[] | undefined>): Promise<SearchResult> {
    this.require(access, "Patient", "read");
    const { count, offset } = parseSearch("Patient", { _count: query._count, _offset: query._offset });
    const unknown = Object.keys(query).filter((name) => !["_count", "_offset", "_format"].includes(name));
    if (unknown.length) throw new AppError("validation", `$everything takes _count and _offset only (not ${unknown.join(", ")})`);
    if (!(await this.sources.Patient[0]!.byId(patientId))) throw notFound(`Patient/${patientId}`);
    const visible = (Object.keys(this.sources) as SearchableType[]).filter((type) => allows(access.scopes, type, type === "Patient" ? "read" : "search"));
    const page = await pageAcross(visible.flatMap((type) => this.sources[type]), { patientId }, offset, count);
    await this.audit(access, "fhir.everything", [patientId], { resourceTypes: visible });
    return this.result(page, offset);
  }

  /** A signed PDF, decrypted from the file store; only files that are clinical documents. */
  async binary(access: GrantedAccess, fileId: string): Promise<FileContent> {
    this.require(access, "Binary", "read");
    const document = await this.documentByFile(fileId);
    if (!document) throw notFound(`Binary/${fileId}`);
    const file = await this.files.read(fileId);
    await this.audit(access, "fhir.read", [document.patientId], { resourceType: "Binary", documentId: document.id });
    return file;
  }

  private require(access: GrantedAccess, type: FhirResourceType, interaction: "read" | "search") {
    if (!allows(access.scopes, type, interaction)) {
      throw new AppError("forbidden", `the token's scopes (${access.scopes.join(" ")}) do not allow ${interaction} of ${type}`);
    }
  }

  private result(page: Awaited<ReturnType<typeof pageAcross>>, offset: number): SearchResult {
    const end = offset + page.entries.length;
    return { total: page.total, resources: page.entries.map((e) => e.resource), ...(end < page.total ? { nextOffset: end } : {}) };
  }

  /** One audit row per patient whose data left (152-FZ: each access to health data is traced to whom it was given). */
  private async audit(access: GrantedAccess, action: string, patientIds: string[], meta: Record<string, unknown>) {
    for (const patientId of new Set(patientIds)) {
      const resources = patientIds.filter((id) => id === patientId).length;
      await recordAudit(this.db, { actor: { type: "client", id: access.clientId }, action, entityType: "patient", entityId: patientId, meta: { ...meta, resources } });
    }
  }
}
