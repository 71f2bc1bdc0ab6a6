import { fileTypeFromBuffer } from "file-type";

/** What a patient may send: photos a phone makes and PDF documents (README lists the same). */
export const acceptedTypes: Record<string, "photo" | "document"> = {
  "image/jpeg": "photo",
  "image/png": "photo",
  "image/webp": "photo",
  "image/heic": "photo",
  "image/heif": "photo",
  "application/pdf": "document",
};

export interface DetectedType {
  mimeType: string;
  extension: string;
  kind: "photo" | "document";
}

/** The type from the bytes' signature, never from the name or the messenger's claim; undefined when not accepted. */
export async function detectAcceptedType(bytes: Buffer): Promise<DetectedType | undefined> {
  const detected = await fileTypeFromBuffer(bytes);
  const kind = detected && acceptedTypes[detected.mime];
  return detected && kind ? { mimeType: detected.mime, extension: detected.ext, kind } : undefined;
}
