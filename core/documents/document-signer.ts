import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { pdflibAddPlaceholder } from "@signpdf/placeholder-pdf-lib";
import { SignPdf } from "@signpdf/signpdf";
import { P12Signer } from "@signpdf/signer-p12";
import type { PDFDocument } from "pdf-lib";
import { AppError } from "../errors";

export interface SignatureRequest {
  doctorId: string;
  doctorName: string;
  reason: string;
  location: string;
  contactInfo: string;
  signingTime: Date;
}

/**
 * Turns a finished pdf-lib document into signed PDF bytes (a PAdES-compatible CMS signature, adbe.pkcs7.detached,
 * over the whole file but the signature itself). One implementation per signature provider: PKCS#12 files now;
 * a qualified signature with GOST algorithms (CryptoPro CSP through its SDK or a signing service) implements
 * the same interface later: add the placeholder, hand the byte ranges to the CSP, embed the CMS it returns.
 */
export interface DocumentSigner {
  sign(pdf: PDFDocument, request: SignatureRequest): Promise<Buffer>;
}

/** Room for the CMS: a 2048/4096-bit RSA signature, the doctor's certificate and the clinic's chain. */
const SIGNATURE_LENGTH = 16_384;

/**
 * Each doctor's key and certificate (with the clinic's CA chain) in `<dir>/<doctorId>.p12`; the password in
 * `<dir>/<doctorId>.pass` when that file exists, otherwise the shared `password`.
 */
export class P12DocumentSigner implements DocumentSigner {
  private readonly signPdf = new SignPdf();

  constructor(
    private readonly dir: string,
    private readonly password: string | undefined,
  ) {}

  async sign(pdf: PDFDocument, request: SignatureRequest): Promise<Buffer> {
    const p12Path = join(this.dir, `${request.doctorId}.p12`);
    if (!existsSync(p12Path)) throw new AppError("unavailable", `no signing certificate for doctor ${request.doctorId}`);
    const passFile = join(this.dir, `${request.doctorId}.pass`);
    const passphrase = existsSync(passFile) ? (await readFile(passFile, "utf8")).trim() : (this.password ?? "");
    pdflibAddPlaceholder({
      pdfDoc: pdf,
      reason: request.reason,
      contactInfo: request.contactInfo,
      name: request.doctorName,
      location: request.location,
      signingTime: request.signingTime,
      signatureLength: SIGNATURE_LENGTH,
    });
    // Object streams would hide the placeholder's /ByteRange from the signer's plain-text search.
    const bytes = Buffer.from(await pdf.save({ useObjectStreams: false }));
    const signer = new P12Signer(await readFile(p12Path), { passphrase });
    return this.signPdf.sign(bytes, signer, request.signingTime);
  }
}
