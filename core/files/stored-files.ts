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

  /** The row, then the bytes: a crash between the two leaves unreadable ciphertext, never a row without bytes. */
  async remove(id: string): Promise<void> {
    const row = await this.db.storedFile.findUnique({ where: { id } });
    if (!row) return;
    await this.db.storedFile.delete({ where: { id } });
    await this.store.delete(row);
  }

  async read(id: string): Promise<FileContent> {
    const row = await this.db.storedFile.findUnique({ where: { id } });
    if (!row) throw notFound("file");
    return { id, bytes: await this.store.get(row), mimeType: row.mimeType, fileName: row.fileName };
  }
}
