import { imageSize } from "image-size";
import { detectAcceptedType, type DetectedType } from "./accepted-types";

/**
 * Issue 12: a 20000×20000 PNG is a few kilobytes on the wire and 1.6 GB once decoded (a browser tab, a pdf-lib
 * embed). The header states the size, so an image is measured before anything decodes it.
 */
export const defaultMaxMegapixels = 40;

export interface UploadLimits {
  maxPixels: number;
}

export type UploadVerdict =
  | { ok: true; type: DetectedType; width?: number; height?: number }
  /** The bytes are none of the accepted types, or not the type the sender declared. */
  | { ok: false; reason: "wrong_type"; detected?: string }
  /** An accepted image type whose header cannot be read, so its size is unknown. */
  | { ok: false; reason: "unreadable"; detected: string }
  | { ok: false; reason: "too_many_pixels"; detected: string; width: number; height: number };

/**
 * The one check for every file a person uploads, a patient through a messenger or the widget and staff through
 * the console: the type comes from the bytes (never the name or the sender's claim, which must agree when given)
 * and an image may not exceed `maxPixels`. DICOM is accepted only when `accept.dicom` (a second opinion's scans).
 */
export async function checkUpload(
  bytes: Buffer,
  limits: UploadLimits,
  declaredMimeType?: string,
  accept: { dicom?: boolean } = {},
): Promise<UploadVerdict> {
  const type = await detectAcceptedType(bytes, accept);
  if (!type || (declaredMimeType !== undefined && type.mimeType !== declaredMimeType)) {
    return { ok: false, reason: "wrong_type", detected: type?.mimeType };
  }
  if (type.kind !== "photo") return { ok: true, type };
  const size = imageDimensions(bytes);
  if (!size) return { ok: false, reason: "unreadable", detected: type.mimeType };
  if (size.width * size.height > limits.maxPixels) return { ok: false, reason: "too_many_pixels", detected: type.mimeType, ...size };
  return { ok: true, type, ...size };
}

/** Width and height from the image's header (the largest frame when there are several); undefined when unreadable. */
export function imageDimensions(bytes: Uint8Array): { width: number; height: number } | undefined {
  try {
    const { width, height } = imageSize(bytes);
    return width > 0 && height > 0 ? { width, height } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The clinic's seal (CLINIC_SEAL_PNG), checked once at start: pdf-lib decodes the whole PNG into every document,
 * so it must be a PNG within the same pixel cap as any upload.
 */
export function checkSealImage(bytes: Buffer, limits: UploadLimits): Buffer {
  const png = bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const size = png ? imageDimensions(bytes) : undefined;
  if (!size) throw new Error("CLINIC_SEAL_PNG is not a readable PNG image");
  if (size.width * size.height > limits.maxPixels) {
    throw new Error(`CLINIC_SEAL_PNG is ${size.width}×${size.height} pixels; at most ${megapixels(limits.maxPixels)} megapixels (UPLOAD_MAX_MEGAPIXELS)`);
  }
  return bytes;
}

/** Why a staff upload was refused, for the console's error line. */
export function describeRefusal(verdict: Exclude<UploadVerdict, { ok: true }>, declaredMimeType: string, limits: UploadLimits): string {
  switch (verdict.reason) {
    case "wrong_type":
      return verdict.detected
        ? `the file's content is ${verdict.detected}, not ${declaredMimeType}`
        : `the file's content is not ${declaredMimeType} (nor any type accepted here)`;
    case "unreadable":
      return `the ${verdict.detected} image's header cannot be read`;
    case "too_many_pixels":
      return `the image is ${verdict.width}×${verdict.height} pixels; at most ${megapixels(limits.maxPixels)} megapixels are accepted`;
  }
}

export const megapixels = (pixels: number) => Math.round(pixels / 1_000_000);
