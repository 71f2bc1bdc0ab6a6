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
  kind: "photo" | "document" | "dicom";
}

/**
 * DICOM Part 10: a 128-byte preamble, then "DICM". Accepted only where a second opinion asks for scans
 * (core/second-opinion); stored as it came, viewed in the clinic's DICOM viewer, never decoded here.
 */
export function isDicom(bytes: Buffer): boolean {
  return bytes.length >= 132 && bytes.toString("latin1", 128, 132) === "DICM";
}

const dicom: DetectedType = { mimeType: "application/dicom", extension: "dcm", kind: "dicom" };

/** The type from the bytes' signature, never from the name or the messenger's claim; undefined when not accepted. */
export async function detectAcceptedType(bytes: Buffer, accept: { dicom?: boolean } = {}): Promise<DetectedType | undefined> {
  if (accept.dicom && isDicom(bytes)) return dicom;
  const detected = await fileTypeFromBuffer(bytes);
  const kind = detected && acceptedTypes[detected.mime];
  return detected && kind ? { mimeType: detected.mime, extension: detected.ext, kind } : undefined;
}
