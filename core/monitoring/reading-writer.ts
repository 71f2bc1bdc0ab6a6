import { randomUUID } from "node:crypto";
import type { Db } from "../db/prisma";
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

interface Waiting {
  patientId: string;
  readings: NewReading[];
  resolve: (written: Written) => void;
  reject: (error: unknown) => void;
}

/** Most rows in one write; a single request is never split, so one carrying more is written alone. */
const MAX_ROWS_PER_WRITE = 1000;

/**
 * Group commit of readings. A Postgres round trip through Prisma costs about a millisecond of CPU whatever its
 * size, as does a BullMQ job, so one reading per request paid both per reading. Here the requests that arrive
 * while a write is in flight share the next one: one INSERT and one evaluation job for all of them.
 * A request's promise settles only once its rows are committed and their evaluation job is in Redis, so an
 * answered request is never lost or left unevaluated; if the write fails, every request in it gets the error.
 */
export class ReadingWriter {
  private waiting: Waiting[] = [];
  private writing = false;

  constructor(
    private readonly db: Db,
    private readonly queue: ReadingsQueue,
  ) {}

  write(patientId: string, readings: NewReading[]): Promise<Written> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ patientId, readings, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain() {
    this.writing = true;
    // Requests parsed in the same turn of the event loop go into the first write too.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.waiting.length) {
      let rows = 0;
      const over = this.waiting.findIndex((w) => (rows += w.readings.length) > MAX_ROWS_PER_WRITE);
      await this.writeBatch(this.waiting.splice(0, over === -1 ? this.waiting.length : Math.max(over, 1)));
    }
    this.writing = false;
  }

  private async writeBatch(batch: Waiting[]) {
    try {
      // Our own ids tell each request which of its rows were stored: a duplicate (already stored, or sent twice
      // within this write by one request or several) is dropped by the unique key and its id is not returned.
      const ids = batch.map((w) => w.readings.map(() => randomUUID()));
      const rows = batch.flatMap((w, i) => w.readings.map((r, j) => ({ ...r, id: ids[i]![j]!, patientId: w.patientId })));
      const inserted = await this.db.$queryRaw<Array<{ id: string }>>`
        INSERT INTO "Reading" (id, "patientId", "deviceId", kind, value, value2, "measuredAt", source)
        SELECT i, p, d, k::"ReadingKind", v, v2, m, s
        FROM unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.patientId)}::uuid[], ${rows.map((r) => r.deviceId)}::text[],
                    ${rows.map((r) => r.kind)}::text[], ${rows.map((r) => r.value)}::float8[], ${rows.map((r) => r.value2 ?? null)}::float8[],
                    ${rows.map((r) => r.measuredAt)}::timestamp[], ${rows.map((r) => r.source)}::text[]) AS t(i, p, d, k, v, v2, m, s)
        ON CONFLICT DO NOTHING
        RETURNING id`;
      const stored = new Set(inserted.map((r) => r.id));
      const groups = batch.map((w, i) => ({ patientId: w.patientId, readingIds: ids[i]!.filter((id) => stored.has(id)) }));
      const evaluate = groups.filter((g) => g.readingIds.length);
      if (evaluate.length) {
        await this.queue.enqueueEvaluation(evaluate).catch(async (error) => {
          // Rows nobody will evaluate must not stay: the device resends after the error and they are stored anew.
          await this.db.reading.deleteMany({ where: { id: { in: [...stored] } } }).catch(() => undefined);
          throw error;
        });
      }
      batch.forEach((w, i) => w.resolve({ accepted: groups[i]!.readingIds.length, duplicates: w.readings.length - groups[i]!.readingIds.length }));
    } catch (error) {
      for (const w of batch) w.reject(error);
    }
  }
}
