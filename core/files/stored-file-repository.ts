import type { Db } from "../db/prisma";
import type { StoredBlob } from "./file-store";

/** A file's metadata row: where its encrypted bytes are, and what they are. */
export interface StoredFileRow extends StoredBlob {
  id: string;
  mimeType: string;
  fileName: string;
}

export class StoredFileRepository {
  constructor(private readonly db: Db) {}

  async create(blob: StoredBlob, meta: { mimeType: string; fileName: string }): Promise<string> {
    const row = await this.db.storedFile.create({ data: { ...blob, ...meta }, select: { id: true } });
    return row.id;
  }

  async find(id: string): Promise<StoredFileRow | undefined> {
    return (await this.db.storedFile.findUnique({ where: { id } })) ?? undefined;
  }

  async findMany(ids: string[]): Promise<StoredFileRow[]> {
    return this.db.storedFile.findMany({ where: { id: { in: ids } } });
  }

  async delete(ids: string[]): Promise<void> {
    await this.db.storedFile.deleteMany({ where: { id: { in: ids } } });
  }
}
