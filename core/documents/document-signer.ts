import { constants, createHash, createPrivateKey, privateEncrypt, type KeyObject } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { pdflibAddPlaceholder } from "@signpdf/placeholder-pdf-lib";
import { plainAddPlaceholder } from "@signpdf/placeholder-plain";
import { SignPdf, Signer } from "@signpdf/signpdf";
import forge from "node-forge";
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
  /**
   * Adds one more signature to finished PDF bytes (saved without object streams) as an incremental update:
   * the bytes already there, and so every earlier signature, stay untouched (a consilium's several doctors).
   */
  countersign(pdf: Buffer, request: SignatureRequest): Promise<Buffer>;
}

/** Room for the CMS: a 2048/4096-bit RSA signature, the doctor's certificate and the clinic's chain. */
const SIGNATURE_LENGTH = 16_384;

/** Where a doctor's PKCS#12 comes from (core/documents/signing-certificates.ts: uploaded, or a file). */
export interface CredentialSource {
  credentialsFor(doctorId: string): Promise<{ bytes: Buffer; passphrase: string; version: string } | null>;
}

/**
 * Each doctor's PKCS#12 in `<dir>/<doctorId>.p12`; the password in `<dir>/<doctorId>.pass` when that file exists,
 * otherwise the shared `password` (DOCTOR_CERTS_DIR, DOCTOR_CERTS_PASSWORD).
 */
export class P12Directory implements CredentialSource {
  constructor(
    private readonly dir: string,
    private readonly password: string | undefined,
  ) {}

  async credentialsFor(doctorId: string) {
    const path = join(this.dir, `${doctorId}.p12`);
    if (!existsSync(path)) return null;
    const passFile = join(this.dir, `${doctorId}.pass`);
    const passphrase = existsSync(passFile) ? (await readFile(passFile, "utf8")).trim() : (this.password ?? "");
    const bytes = await readFile(path);
    return { bytes, passphrase, version: createHash("sha256").update(bytes).update(passphrase).digest("hex") };
  }
}

/** Each doctor's key and certificate (with the clinic's CA chain) as a PKCS#12 from the credential source. */
export class P12DocumentSigner implements DocumentSigner {
  private readonly signPdf = new SignPdf();

  constructor(private readonly source: CredentialSource) {}

  async sign(pdf: PDFDocument, request: SignatureRequest): Promise<Buffer> {
    const p12 = await this.source.credentialsFor(request.doctorId);
    if (!p12) throw new AppError("unavailable", `no signing certificate for doctor ${request.doctorId}`);
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
    return this.signPdf.sign(bytes, new CmsSigner(this.credentials(request.doctorId, p12)), request.signingTime);
  }

  async countersign(pdf: Buffer, request: SignatureRequest): Promise<Buffer> {
    const p12 = await this.source.credentialsFor(request.doctorId);
    if (!p12) throw new AppError("unavailable", `no signing certificate for doctor ${request.doctorId}`);
    const withPlaceholder = plainAddPlaceholder({
      pdfBuffer: pdf,
      reason: request.reason,
      contactInfo: request.contactInfo,
      name: request.doctorName,
      location: request.location,
      signingTime: request.signingTime,
      signatureLength: SIGNATURE_LENGTH,
    });
    return this.signPdf.sign(withPlaceholder, new CmsSigner(this.credentials(request.doctorId, p12)), request.signingTime);
  }

  /** Decoding a PKCS#12 runs its key derivation in JavaScript (about 0.3 s): done once per certificate version. */
  private credentials(doctorId: string, p12: { bytes: Buffer; passphrase: string; version: string }): Credentials {
    const cached = this.cache.get(doctorId);
    if (cached && cached.version === p12.version) return cached.credentials;
    const credentials = decodeP12(p12.bytes, p12.passphrase);
    this.cache.set(doctorId, { version: p12.version, credentials });
    return credentials;
  }

  private readonly cache = new Map<string, { version: string; credentials: Credentials }>();
}

interface Credentials {
  certificate: forge.pki.Certificate;
  /** The doctor's certificate and the clinic's chain, all embedded in the CMS. */
  chain: forge.pki.Certificate[];
  key: KeyObject;
}

export function decodeP12(bytes: Buffer, passphrase: string): Credentials {
  const p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(forge.util.createBuffer(bytes.toString("binary"))), false, passphrase);
  const chain = (p12.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!] ?? []).map((bag) => bag.cert!);
  const keyBag = p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag! })[forge.pki.oids.pkcs8ShroudedKeyBag!]?.[0];
  const privateKey = keyBag?.key as forge.pki.rsa.PrivateKey | undefined;
  if (!privateKey) throw new AppError("unavailable", "the PKCS#12 file holds no private key");
  const certificate = chain.find((cert) => {
    const publicKey = cert.publicKey as forge.pki.rsa.PublicKey;
    return publicKey.n.compareTo(privateKey.n) === 0 && publicKey.e.compareTo(privateKey.e) === 0;
  });
  if (!certificate) throw new AppError("unavailable", "no certificate in the PKCS#12 file matches its key");
  return { certificate, chain, key: createPrivateKey(forge.pki.privateKeyToPem(privateKey)) };
}

/** DER prefix of a SHA-256 DigestInfo (RFC 8017 section 9.2): what PKCS#1 v1.5 signs. */
const SHA256_DIGEST_INFO = Buffer.from("3031300d060960864801650304020105000420", "hex");

/**
 * The CMS (adbe.pkcs7.detached) that @signpdf/signer-p12 builds, with the RSA operation done by Node's OpenSSL
 * instead of node-forge's JavaScript big integers (about ten times faster).
 */
class CmsSigner extends Signer {
  constructor(private readonly credentials: Credentials) {
    super();
  }

  override async sign(pdfBuffer: Buffer, signingTime?: Date): Promise<Buffer> {
    const { certificate, chain, key } = this.credentials;
    const p7 = forge.pkcs7.createSignedData();
    p7.content = forge.util.createBuffer(pdfBuffer.toString("binary"));
    for (const cert of chain) p7.addCertificate(cert);
    const nodeKey = {
      sign: (md: forge.md.MessageDigest) =>
        privateEncrypt(
          { key, padding: constants.RSA_PKCS1_PADDING },
          Buffer.concat([SHA256_DIGEST_INFO, Buffer.from(md.digest().getBytes(), "binary")]),
        ).toString("binary"),
    };
    p7.addSigner({
      key: nodeKey as unknown as forge.pki.rsa.PrivateKey,
      certificate,
      digestAlgorithm: forge.pki.oids.sha256!,
      // The order matters for EU validators (as in @signpdf/signer-p12).
      authenticatedAttributes: [
        { type: forge.pki.oids.contentType!, value: forge.pki.oids.data },
        { type: forge.pki.oids.signingTime!, value: (signingTime ?? new Date()) as unknown as string },
        { type: forge.pki.oids.messageDigest! },
      ],
    });
    p7.sign({ detached: true });
    return Buffer.from(forge.asn1.toDer(p7.toAsn1()).getBytes(), "binary");
  }
}
