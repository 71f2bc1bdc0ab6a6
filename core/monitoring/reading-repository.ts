import { randomUUID } from "node:crypto";
import type { Db } from "../db/prisma";
import type { Sql } from "../db/sql";
import { groupCommit } from "../group-commit";
import { currentRequestId, runWithRequestId } from "../request-context";
import type { NewReading } from "./reading";

/** One patient's newly stored readings, as the alert evaluation takes them. */
export interface EvaluationGroup {
  patientId: string;
  readingIds: string[];
}

/** Hands stored readings to the alert evaluation: one call, one BullMQ job (workers/readings.worker.ts). */
export interface ReadingsQueue {
  enqueueEvaluation(groups: EvaluationGroup[]): Promise<void>;
}

export interface Written {
  accepted: number;
  duplicates: number;
}

interface Request {
  patientId: string;
  readings: NewReading[];
  /** The HTTP request that sent them: the batch runs detached from it (core/group-commit.ts). */
  requestId: string | undefined;
}

/** Most rows in one INSERT; a single request is never split, so one carrying more is written alone. */
const MAX_ROWS_PER_WRITE = 1000;
/** Writes in flight at once: with one, big uploads (hubs, apps) left Postgres' own core idle between writes. */
const WRITES_IN_FLIGHT = 3;

/**
 * The readings repository's writer. Stores the readings of all requests that arrive while a write is in flight in one INSERT and hands them to
 * the alert evaluation in one job (group commit: one request per reading used to pay a Postgres round trip and
 * a BullMQ job each). A request is answered only once its rows are committed and their job is in Redis, so an
 * answered request is never lost or left unevaluated; if the write fails, every request in it gets the error.
 */
export class ReadingWriter {
  private readonly batch = groupCommit((requests: Request[]) => this.writeAll(requests), {
    max: MAX_ROWS_PER_WRITE,
    size: (request) => request.readings.length,
    concurrency: WRITES_IN_FLIGHT,
  });

  constructor(
    private readonly db: Db,
    /** The insert goes through plain `pg`: it is one statement per write, and Prisma's cost per statement was most of it. */
    private readonly sql: Sql,
    private readonly queue: ReadingsQueue,
  ) {}

  write(patientId: string, readings: NewReading[]): Promise<Written> {
    return this.batch({ patientId, readings, requestId: currentRequestId() });
  }

  private async writeAll(requests: Request[]): Promise<Written[]> {
    // Our own ids tell each request which of its rows were stored: a duplicate (already stored, or sent twice
    // within this write by one request or several) is dropped by the unique key and its id is not returned.
    const ids = requests.map((r) => r.readings.map(() => randomUUID()));
    const rows = requests.flatMap((r, i) => r.readings.map((reading, j) => ({ ...reading, id: ids[i]![j]!, patientId: r.patientId })));
    const { rows: inserted } = await this.sql.query<{ id: string }>({
      name: "readings-insert",
      text: `
        INSERT INTO "Reading" (id, "patientId", "deviceId", kind, value, value2, "measuredAt", source)
        SELECT i, p, d, k::"ReadingKind", v, v2, m, s
        FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::float8[], $6::float8[], $7::timestamp[], $8::text[]) AS t(i, p, d, k, v, v2, m, s)
        -- Rows in key order: concurrent writes then take their unique-index locks in the same order and cannot deadlock.
        ORDER BY p, d, k, m
        ON CONFLICT DO NOTHING
        RETURNING id`,
      values: [
        rows.map((r) => r.id),
        rows.map((r) => r.patientId),
        rows.map((r) => r.deviceId),
        rows.map((r) => r.kind),
        rows.map((r) => r.value),
        rows.map((r) => r.value2 ?? null),
        rows.map((r) => r.measuredAt.toISOString()),
        rows.map((r) => r.source),
      ],
    });
    const stored = new Set(inserted.map((r) => r.id));
    const groups = requests.map((r, i) => ({ patientId: r.patientId, readingIds: ids[i]!.filter((id) => stored.has(id)) }));
    const evaluate = groups.filter((g) => g.readingIds.length);
    if (evaluate.length) {
      // The job carries the request's id when the write held one request's readings; a batch of several names none.
      const [requestId, ...others] = new Set(requests.map((r) => r.requestId));
      const enqueue = () => this.queue.enqueueEvaluation(evaluate);
      await (requestId && !others.length ? runWithRequestId(requestId, enqueue) : enqueue()).catch(async (error) => {
        // Rows nobody will evaluate must not stay: the device resends after the error and they are stored anew.
        await this.db.reading.deleteMany({ where: { id: { in: [...stored] } } }).catch(() => undefined);
        throw error;
      });
    }
    return requests.map((r, i) => ({ accepted: groups[i]!.readingIds.length, duplicates: r.readings.length - groups[i]!.readingIds.length }));
  }
}
