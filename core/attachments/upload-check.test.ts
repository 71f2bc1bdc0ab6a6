import { describe, expect, it } from "vitest";
import { encodePng, pngHeader } from "../../test/helpers/png";
import { realPdf, sampleJpeg } from "../../test/helpers/image-fixtures";
import { checkSealImage, checkUpload, describeRefusal } from "./upload-check";

const limits = { maxPixels: 40_000_000 };
const html = Buffer.from("<!doctype html><html><body><script>alert(1)</script></body></html>");

describe("checkUpload", () => {
  it("accepts real JPEG, PNG and PDF bytes and measures images from their header", async () => {
    expect(await checkUpload(sampleJpeg, limits)).toMatchObject({ ok: true, type: { mimeType: "image/jpeg", kind: "photo" }, width: 16, height: 12 });
    const png = encodePng(30, 20, 3, () => [200, 100, 50]);
    expect(await checkUpload(png, limits, "image/png")).toMatchObject({ ok: true, type: { mimeType: "image/png" }, width: 30, height: 20 });
    expect(await checkUpload(await realPdf(), limits, "application/pdf")).toMatchObject({ ok: true, type: { mimeType: "application/pdf", kind: "document" } });
  });

  it("refuses bytes that are not what the sender declared", async () => {
    const asPdf = await checkUpload(html, limits, "application/pdf");
    expect(asPdf).toEqual({ ok: false, reason: "wrong_type", detected: undefined });
    expect(describeRefusal(asPdf as Exclude<typeof asPdf, { ok: true }>, "application/pdf", limits)).toBe(
      "the file's content is not application/pdf (nor any type accepted here)",
    );
    expect(await checkUpload(sampleJpeg, limits, "image/png")).toEqual({ ok: false, reason: "wrong_type", detected: "image/jpeg" });
    expect(await checkUpload(html, limits)).toMatchObject({ ok: false, reason: "wrong_type" });
  });

  it("caps an image's pixels at the limit, read from a header whose body is missing", async () => {
    const huge = pngHeader(20_000, 20_000);
    expect(huge.length).toBeLessThan(200);
    const verdict = await checkUpload(huge, limits, "image/png");
    expect(verdict).toEqual({ ok: false, reason: "too_many_pixels", detected: "image/png", width: 20_000, height: 20_000 });
    expect(describeRefusal(verdict as Exclude<typeof verdict, { ok: true }>, "image/png", limits)).toBe(
      "the image is 20000×20000 pixels; at most 40 megapixels are accepted",
    );
    // 40 megapixels exactly pass; one row more does not.
    expect(await checkUpload(pngHeader(8000, 5000), limits)).toMatchObject({ ok: true });
    expect(await checkUpload(pngHeader(8000, 5001), limits)).toMatchObject({ ok: false, reason: "too_many_pixels" });
  });

  it("accepts DICOM (\"DICM\" at offset 128) only where asked to, whatever the name says", async () => {
    const dicom = Buffer.concat([Buffer.alloc(128), Buffer.from("DICM"), Buffer.from([0x02, 0x00, 0x00, 0x00])]);
    expect(await checkUpload(dicom, limits, undefined, { dicom: true })).toEqual({
      ok: true,
      type: { mimeType: "application/dicom", extension: "dcm", kind: "dicom" },
    });
    expect(await checkUpload(dicom, limits)).toMatchObject({ ok: false, reason: "wrong_type" });
    // "DICM" anywhere else is not a DICOM file.
    const shifted = Buffer.concat([Buffer.alloc(127), Buffer.from("DICM"), Buffer.alloc(8)]);
    expect(await checkUpload(shifted, limits, undefined, { dicom: true })).toMatchObject({ ok: false, reason: "wrong_type" });
  });

  it("refuses an image whose header cannot be read", async () => {
    // A JPEG signature with no frame header: file-type says JPEG, nothing says how large.
    const truncated = sampleJpeg.subarray(0, 20);
    expect(await checkUpload(truncated, limits)).toEqual({ ok: false, reason: "unreadable", detected: "image/jpeg" });
  });
});

describe("checkSealImage", () => {
  it("lets a small PNG seal through and stops a JPEG or an oversized PNG at start", () => {
    const seal = encodePng(10, 10, 4, () => [0, 0, 200, 255]);
    expect(checkSealImage(seal, limits)).toBe(seal);
    expect(() => checkSealImage(sampleJpeg, limits)).toThrow("CLINIC_SEAL_PNG is not a readable PNG image");
    expect(() => checkSealImage(pngHeader(20_000, 20_000), limits)).toThrow("CLINIC_SEAL_PNG is 20000×20000 pixels");
  });
});
