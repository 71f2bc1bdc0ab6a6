import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { z } from "zod";

/**
 * Patient files (photos, documents, recordings, signed PDFs) are health data: encrypted at rest with
 * AES-256-GCM under a key named by id, so keys can rotate (new files use the first key, old files keep theirs).
 * The backend is a port: local disk by default, an S3-compatible store on the clinic's own servers later.
 */
export interface BlobBackend {
  put(key: string, bytes: Buffer): Promise<void>;
  get(key: string): Promise<Buffer>;
  delete(key: string): Promise<void>;
}

export class LocalDiskBackend implements BlobBackend {
  constructor(private readonly root: string) {}

  private path(key: string) {
    return join(this.root, key.slice(0, 2), key);
  }

  async put(key: string, bytes: Buffer) {
    const path = this.path(key);
    await mkdir(dirname(path), { recursive: true });
    // Written whole or not at all: a crash never leaves half a file under the final name.
    await writeFile(`${path}.tmp`, bytes, { mode: 0o600 });
    await rename(`${path}.tmp`, path);
  }

  get(key: string) {
    return readFile(this.path(key));
  }

  async delete(key: string) {
    await rm(this.path(key), { force: true });
  }
}

/** `FILE_ENCRYPTION_KEYS`: comma-separated `keyId:base64-of-32-bytes`, the first one encrypts new files. */
export const encryptionKeysSchema = z
  .string()
  .transform((value, ctx) => {
    const keys = value.split(",").map((entry) => {
      const [id, base64] = entry.trim().split(":");
      const key = Buffer.from(base64 ?? "", "base64");
      if (!id || !/^[\w-]{1,32}$/.test(id) || key.length !== 32) {
        ctx.addIssue({ code: "custom", message: "each entry must be keyId:<base64 of 32 random bytes>" });
      }
      return { id: id ?? "", key };
    });
    return keys;
  })
  .refine((keys) => keys.length > 0, "at least one key");

export type EncryptionKey = { id: string; key: Buffer };

export interface StoredBlob {
  /** Where the ciphertext lives in the backend. */
  storageKey: string;
  keyId: string;
  size: number;
  sha256: string;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

export class EncryptedFileStore {
  constructor(
    private readonly backend: BlobBackend,
    private readonly keys: EncryptionKey[],
  ) {
    if (keys.length === 0) throw new Error("EncryptedFileStore needs at least one key");
  }

  /** Encrypts and stores bytes; the caller records the returned metadata (e.g. in a StoredFile row). */
  async put(bytes: Buffer): Promise<StoredBlob> {
    const { id, key } = this.keys[0]!;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", key, iv);
    const ciphertext = Buffer.concat([cipher.update(bytes), cipher.final()]);
    const storageKey = randomBytes(16).toString("hex");
    await this.backend.put(storageKey, Buffer.concat([iv, cipher.getAuthTag(), ciphertext]));
    return { storageKey, keyId: id, size: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") };
  }

  /** Decrypts; throws when the key is unknown or the stored bytes were altered (GCM authentication). */
  async get(blob: Pick<StoredBlob, "storageKey" | "keyId">): Promise<Buffer> {
    const key = this.keys.find((candidate) => candidate.id === blob.keyId);
    if (!key) throw new Error(`no encryption key with id ${blob.keyId}`);
    const stored = await this.backend.get(blob.storageKey);
    const decipher = createDecipheriv("aes-256-gcm", key.key, stored.subarray(0, IV_BYTES));
    decipher.setAuthTag(stored.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(stored.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  }

  delete(blob: Pick<StoredBlob, "storageKey">): Promise<void> {
    return this.backend.delete(blob.storageKey);
  }
}
