import type { Db } from "../db/prisma";
import type { ProtocolContent } from "../protocols/protocol";
import type { TimeRange } from "./search-params";

/** What one search or `$everything` asks of a table; the paging is the caller's. */
export interface Filter {
  patientId?: string;
  id?: string;
  date?: TimeRange;
  lastUpdated?: TimeRange;
}

/** One table's rows for a filter: counted, and read a page at a time in a stable order. */
export interface RowSource<Row> {
  count(filter: Filter): Promise<number>;
  page(filter: Filter, offset: number, limit: number): Promise<Row[]>;
  byId(id: string): Promise<Row | null>;
}

const range = (r?: TimeRange) => (r && (r.from || r.to) ? { ...(r.from ? { gte: r.from } : {}), ...(r.to ? { lt: r.to } : {}) } : undefined);
const doctor = { select: { id: true, name: true } } as const;

/** Builds a RowSource from a where-builder and a query: one place for counting, paging and reading by id. */
function source<Where, Row>(
  table: {
    count(args: { where: Where }): Promise<number>;
    findMany(args: { where: Where; skip: number; take: number; orderBy: object[] }): Promise<Row[]>;
  },
  where: (filter: Filter) => Where,
  orderBy: object[],
): RowSource<Row> {
  return {
    count: (filter) => table.count({ where: where(filter) }),
    page: (filter, skip, take) => table.findMany({ where: where(filter), skip, take, orderBy }),
    byId: async (id) => (await table.findMany({ where: where({ id }), skip: 0, take: 1, orderBy }))[0] ?? null,
  };
}

/** The Prisma reads behind the FHIR export: plain rows, mapped to resources in fhir-resources.ts. */
export function fhirRepository(db: Db) {
  const patients = source(
    {
      count: (args) => db.patient.count(args),
      findMany: (args) =>
        db.patient.findMany({
          ...args,
          select: {
            id: true, language: true, identityLevel: true, createdAt: true, erasedAt: true,
            // Name and birth date exist only as the doctor confirmed them on a protocol.
            protocols: { where: { status: "signed" }, orderBy: { signedAt: "desc" }, take: 1, select: { content: true } },
          },
        }),
    },
    (f: Filter) => ({ id: f.id ?? f.patientId, createdAt: range(f.lastUpdated) }),
    [{ createdAt: "asc" }, { id: "asc" }],
  );
  const consultations = source(
    {
      count: (args) => db.consultation.count(args),
      findMany: (args) =>
        db.consultation.findMany({
          ...args,
          select: { id: true, number: true, patientId: true, status: true, outcome: true, specialty: true, createdAt: true, closedAt: true, updatedAt: true, doctor },
        }),
    },
    (f: Filter) => ({ id: f.id, patientId: f.patientId, createdAt: range(f.date), updatedAt: range(f.lastUpdated) }),
    [{ createdAt: "asc" }, { id: "asc" }],
  );
  // Drafts are the doctor's work in progress, not part of the record.
  const protocols = source(
    {
      count: (args) => db.protocol.count(args),
      findMany: async (args) =>
        (
          await db.protocol.findMany({
            ...args,
            select: {
              id: true, consultationId: true, patientId: true, version: true, previousId: true, content: true, signedAt: true, updatedAt: true, doctor,
              consultation: { select: { number: true } },
            },
          })
        ).map((row) => ({ ...row, content: row.content as ProtocolContent, signedAt: row.signedAt! })),
    },
    (f: Filter) => ({ id: f.id, status: "signed" as const, patientId: f.patientId, signedAt: range(f.date), updatedAt: range(f.lastUpdated) }),
    [{ signedAt: "asc" }, { id: "asc" }],
  );
  const documents = source(
    {
      count: (args) => db.clinicalDocument.count(args),
      findMany: async (args) => {
        const rows = await db.clinicalDocument.findMany({
          ...args,
          select: {
            id: true, kind: true, fileId: true, patientId: true, createdAt: true,
            protocol: { select: { id: true, consultationId: true, version: true, signedAt: true, doctor, consultation: { select: { number: true } } } },
          },
        });
        const files = await db.storedFile.findMany({ where: { id: { in: rows.map((r) => r.fileId) } }, select: { id: true, size: true, mimeType: true, fileName: true } });
        return rows.map((row) => ({ ...row, file: files.find((f) => f.id === row.fileId)! }));
      },
    },
    (f: Filter) => ({ id: f.id, patientId: f.patientId, AND: [{ createdAt: range(f.date) }, { createdAt: range(f.lastUpdated) }] }),
    [{ createdAt: "asc" }, { id: "asc" }],
  );
  const readings = source(
    {
      count: (args) => db.reading.count(args),
      findMany: (args) => db.reading.findMany(args),
    },
    (f: Filter) => ({ id: f.id, patientId: f.patientId, measuredAt: range(f.date), receivedAt: range(f.lastUpdated) }),
    [{ measuredAt: "asc" }, { id: "asc" }],
  );
  const labResults = source(
    {
      count: (args) => db.labResult.count(args),
      findMany: async (args) =>
        (await db.labResult.findMany({ ...args, include: { order: { select: { patientId: true } } } })).map(({ order, ...row }) => ({ ...row, patientId: order.patientId })),
    },
    (f: Filter) => ({ id: f.id, order: { patientId: f.patientId }, effectiveAt: range(f.date), receivedAt: range(f.lastUpdated) }),
    [{ effectiveAt: "asc" }, { id: "asc" }],
  );
  // A report is a lab order with results; it was last updated when its latest result arrived.
  const reports = source(
    {
      count: (args) => db.labOrder.count(args),
      findMany: async (args) => {
        const rows = await db.labOrder.findMany({
          ...args,
          select: {
            id: true, number: true, patientId: true, status: true, createdAt: true, labId: true, referralId: true,
            results: { orderBy: [{ effectiveAt: "asc" }, { id: "asc" }], select: { id: true, code: true, display: true, effectiveAt: true, issuedAt: true, receivedAt: true } },
          },
        });
        // An order made from a protocol's referral belongs to that protocol's consultation.
        const referrals = rows.flatMap((r) => (r.referralId ? [r.referralId] : []));
        const protocols = await db.protocol.findMany({ where: { id: { in: referrals } }, select: { id: true, consultationId: true } });
        return rows.map((row) => ({ ...row, consultationId: protocols.find((p) => p.id === row.referralId)?.consultationId ?? null }));
      },
    },
    (f: Filter) => ({
      id: f.id,
      patientId: f.patientId,
      AND: [
        { results: { some: {} } },
        ...(f.date ? [{ results: { some: { effectiveAt: range(f.date) } } }] : []),
        ...(f.lastUpdated?.from ? [{ results: { some: { receivedAt: { gte: f.lastUpdated.from } } } }] : []),
        ...(f.lastUpdated?.to ? [{ results: { every: { receivedAt: { lt: f.lastUpdated.to } } } }] : []),
      ],
    }),
    [{ createdAt: "asc" }, { id: "asc" }],
  );
  // A consent was last updated when given, or when withdrawn.
  const consentChanged = (bound: { gte: Date } | { lt: Date }) => ({ OR: [{ withdrawnAt: bound }, { withdrawnAt: null, givenAt: bound }] });
  const consents = source(
    {
      count: (args) => db.consent.count(args),
      findMany: (args) => db.consent.findMany(args),
    },
    (f: Filter) => ({
      id: f.id,
      patientId: f.patientId,
      givenAt: range(f.date),
      AND: [
        ...(f.lastUpdated?.from ? [consentChanged({ gte: f.lastUpdated.from })] : []),
        ...(f.lastUpdated?.to ? [consentChanged({ lt: f.lastUpdated.to })] : []),
      ],
    }),
    [{ givenAt: "asc" }, { id: "asc" }],
  );
  return {
    patients,
    consultations,
    protocols,
    documents,
    readings,
    labResults,
    reports,
    consents,
    /** The signed PDF a DocumentReference points at: only files that are clinical documents are served. */
    documentByFile: (fileId: string) => db.clinicalDocument.findFirst({ where: { fileId }, select: { id: true, patientId: true } }),
  };
}

export type FhirRepository = ReturnType<typeof fhirRepository>;
export type Rows<K extends keyof FhirRepository> = FhirRepository[K] extends RowSource<infer Row> ? Row : never;
