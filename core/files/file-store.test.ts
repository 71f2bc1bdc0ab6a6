import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { EncryptedFileStore, LocalDiskBackend, encryptionKeysSchema } from "./file-store";

const key = (id: string) => ({ id, key: randomBytes(32) });

async function store(keys = [key("k1")]) {
  const root = await mkdtemp(join(tmpdir(), "telecons-files-"));
  return { root, files: new EncryptedFileStore(new LocalDiskBackend(root), keys) };
}

async function onDisk(root: string, storageKey: string) {
  return join(root, storageKey.slice(0, 2), storageKey);
}

describe("encrypted file store", () => {
  it("stores ciphertext only and gives the bytes back", async () => {
    const { root, files } = await store();
    const photo = Buffer.from("\xff\xd8\xff\xe0 a photo of a rash, patient Иванов", "binary");
    const blob = await files.put(photo);
    expect(blob).toMatchObject({ keyId: "k1", size: photo.length });
    const raw = await readFile(await onDisk(root, blob.storageKey));
    expect(raw.includes(photo)).toBe(false);
    expect(raw.length).toBe(photo.length + 28);
    expect(await files.get(blob)).toEqual(photo);
  });

  it("reads files under an older key after rotation and writes new ones under the new key", async () => {
    const oldKey = key("2025");
    const { root } = await store();
    const before = new EncryptedFileStore(new LocalDiskBackend(root), [oldKey]);
    const old = await before.put(Buffer.from("old scan"));
    const after = new EncryptedFileStore(new LocalDiskBackend(root), [key("2026"), oldKey]);
    expect((await after.get(old)).toString()).toBe("old scan");
    expect((await after.put(Buffer.from("new scan"))).keyId).toBe("2026");
  });

  it("refuses altered ciphertext and unknown keys", async () => {
    const { root, files } = await store();
    const blob = await files.put(Buffer.from("lab result"));
    const path = await onDisk(root, blob.storageKey);
    const raw = await readFile(path);
    raw.writeUInt8(raw.at(-1)! ^ 1, raw.length - 1);
    await writeFile(path, raw);
    await expect(files.get(blob)).rejects.toThrow(/unable to authenticate/i);
    await expect(files.get({ ...blob, keyId: "nope" })).rejects.toThrow("no encryption key with id nope");
  });

  it("deletes", async () => {
    const { root, files } = await store();
    const blob = await files.put(Buffer.from("x"));
    await files.delete(blob);
    expect(await readdir(join(root, blob.storageKey.slice(0, 2)))).toEqual([]);
  });

  it("parses the key list from configuration", () => {
    const k = randomBytes(32).toString("base64");
    expect(encryptionKeysSchema.parse(`a:${k},b:${k}`).map((entry) => entry.id)).toEqual(["a", "b"]);
    expect(encryptionKeysSchema.safeParse("a:short").success).toBe(false);
  });
});
