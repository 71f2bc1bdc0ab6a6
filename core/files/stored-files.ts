import { notFound } from "../errors";
import type { EncryptedFileStore } from "./file-store";
import type { StoredFileRepository, StoredFileRow } from "./stored-file-repository";

export interface FileContent {
  id: string;
  bytes: Buffer;
  mimeType: string;
  fileName: string;
}

/** Files by id: encrypted bytes in the store, metadata in Postgres. Callers check access and audit. */
export class StoredFiles {
  constructor(
    private readonly rows: StoredFileRepository,
    private readonly store: EncryptedFileStore,
  ) {}

  async save(bytes: Buffer, meta: { mimeType: string; fileName: string }): Promise<string> {
    return this.rows.create(await this.store.put(bytes), meta);
  }

  async read(id: string): Promise<FileContent> {
    const row = await this.rows.find(id);
    if (!row) throw notFound("file");
    return { id, bytes: await this.store.get(row), mimeType: row.mimeType, fileName: row.fileName };
  }

  /** What the files are (name, type, size), without their bytes; unknown ids are left out. */
  async describe(ids: string[]): Promise<StoredFileRow[]> {
    return this.rows.findMany(ids);
  }

  /** Destroys files for good (erasure, retention, a widget upload's copy once handled): the encrypted bytes first, then the rows, so a retry after a crash finishes the job. */
  async remove(ids: string[]): Promise<number> {
    const rows = await this.rows.findMany(ids);
    for (const row of rows) await this.store.delete(row);
    await this.rows.delete(rows.map((r) => r.id));
    return rows.length;
  }
}
