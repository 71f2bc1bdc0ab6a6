import { constants, createPrivateKey, privateEncrypt, type KeyObject } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { pdflibAddPlaceholder } from "@signpdf/placeholder-pdf-lib";
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
    const credentials = await this.credentials(p12Path, passphrase);
    return this.signPdf.sign(bytes, new CmsSigner(credentials), request.signingTime);
  }

  /** Decoding a PKCS#12 runs its key derivation in JavaScript (about 0.3 s): done once per file version. */
  private async credentials(p12Path: string, passphrase: string): Promise<Credentials> {
    const { mtimeMs } = await stat(p12Path);
    const cached = this.cache.get(p12Path);
    if (cached && cached.mtimeMs === mtimeMs) return cached.credentials;
    const credentials = decodeP12(await readFile(p12Path), passphrase);
    this.cache.set(p12Path, { mtimeMs, credentials });
    return credentials;
  }

  private readonly cache = new Map<string, { mtimeMs: number; credentials: Credentials }>();
}

interface Credentials {
  certificate: forge.pki.Certificate;
  /** The doctor's certificate and the clinic's chain, all embedded in the CMS. */
  chain: forge.pki.Certificate[];
  key: KeyObject;
}

function decodeP12(bytes: Buffer, passphrase: string): Credentials {
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
