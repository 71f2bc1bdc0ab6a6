import type { Db } from "../db/prisma";
import { notFound } from "../errors";
import type { EncryptedFileStore } from "./file-store";

export interface FileContent {
  id: string;
  bytes: Buffer;
  mimeType: string;
  fileName: string;
}

/** Files by id: encrypted bytes in the store, metadata in Postgres. Callers check access and audit. */
export class StoredFiles {
  constructor(
    private readonly db: Db,
    private readonly store: EncryptedFileStore,
  ) {}

  async save(bytes: Buffer, meta: { mimeType: string; fileName: string }): Promise<string> {
    const blob = await this.store.put(bytes);
    const row = await this.db.storedFile.create({ data: { ...blob, ...meta } });
    return row.id;
  }

  async read(id: string): Promise<FileContent> {
    const row = await this.db.storedFile.findUnique({ where: { id } });
    if (!row) throw notFound("file");
    return { id, bytes: await this.store.get(row), mimeType: row.mimeType, fileName: row.fileName };
  }

  /** Destroys files for good (erasure, retention, a widget upload's copy once handled): the encrypted bytes first, then the rows, so a retry after a crash finishes the job. */
  async remove(ids: string[]): Promise<number> {
    const rows = await this.db.storedFile.findMany({ where: { id: { in: ids } } });
    for (const row of rows) await this.store.delete(row);
    await this.db.storedFile.deleteMany({ where: { id: { in: rows.map((r) => r.id) } } });
    return rows.length;
  }
}
