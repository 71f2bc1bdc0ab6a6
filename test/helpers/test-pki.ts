import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodePng } from "./png";

const openssl = (args: string[], cwd: string) => execFileSync("openssl", args, { cwd, stdio: ["ignore", "pipe", "pipe"] });

/**
 * A clinic CA and doctors' certificates made with openssl at test time, each doctor's key + certificate + the CA
 * in `<certsDir>/<doctorId>.p12`, and an NSS database trusting the CA for poppler's pdfsig.
 */
export class TestPki {
  readonly dir = mkdtempSync(join(tmpdir(), "telecons-pki-"));
  readonly certsDir = join(this.dir, "certs");
  readonly nssDir = join(this.dir, "nss");
  readonly password = "test-p12-password";

  constructor() {
    mkdirSync(this.certsDir);
    mkdirSync(this.nssDir);
    openssl(
      ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "30", "-subj", "/O=Telecons Test Clinic/CN=Telecons Test Clinic CA",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
      this.dir,
    );
    execFileSync("certutil", ["-N", "-d", `sql:${this.nssDir}`, "--empty-password"]);
    execFileSync("certutil", ["-A", "-d", `sql:${this.nssDir}`, "-n", "Telecons Test Clinic CA", "-t", "CT,C,C", "-a", "-i", join(this.dir, "ca.pem")]);
  }

  /** Issues a doctor's certificate from the clinic CA and writes `<doctorId>.p12` (3DES/SHA-1 PBE, which node-forge reads). */
  issueDoctor(doctorId: string, name: string): void {
    writeFileSync(join(this.dir, "doctor.ext"), "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\nextendedKeyUsage=emailProtection\n");
    openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", `${doctorId}.key`, "-out", `${doctorId}.csr`, "-utf8", "-subj", `/O=Telecons Test Clinic/CN=${name}`], this.dir);
    openssl(["x509", "-req", "-in", `${doctorId}.csr`, "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", `${doctorId}.pem`, "-days", "30", "-extfile", "doctor.ext"], this.dir);
    openssl(
      ["pkcs12", "-export", "-inkey", `${doctorId}.key`, "-in", `${doctorId}.pem`, "-certfile", "ca.pem", "-out", join(this.certsDir, `${doctorId}.p12`),
        "-passout", `pass:${this.password}`, "-keypbe", "PBE-SHA1-3DES", "-certpbe", "PBE-SHA1-3DES", "-macalg", "sha1"],
      this.dir,
    );
  }

  /** A doctor's key and certificate without the clinic CA: a file whose chain cannot be checked. */
  p12WithoutChain(doctorId: string): Buffer {
    const out = join(this.dir, `${doctorId}-alone.p12`);
    openssl(
      ["pkcs12", "-export", "-inkey", `${doctorId}.key`, "-in", `${doctorId}.pem`, "-out", out,
        "-passout", `pass:${this.password}`, "-keypbe", "PBE-SHA1-3DES", "-certpbe", "PBE-SHA1-3DES", "-macalg", "sha1"],
      this.dir,
    );
    return readFileSync(out);
  }

  /** The PKCS#12 bytes of a doctor issued here. */
  p12(doctorId: string): Buffer {
    return readFileSync(join(this.certsDir, `${doctorId}.p12`));
  }
}

/**
 * Gives a doctor a signing certificate the way an admin does in the console (signing refuses without one). Each call
 * makes its own clinic CA, so it also works for harnesses with no DOCTOR_CERTS_DIR.
 */
export async function giveCertificate(
  certificates: { upload(doctorId: string, p12: Buffer, password: string, by: { type: "staff"; id: string }): Promise<unknown> },
  doctorId: string,
  adminStaffId: string = randomUUID(),
): Promise<void> {
  const pki = new TestPki();
  pki.issueDoctor(doctorId, "Test Doctor");
  await certificates.upload(doctorId, pki.p12(doctorId), pki.password, { type: "staff", id: adminStaffId });
}

/** `pdfsig` on a file, with the test clinic CA trusted; returns its whole output (it exits non-zero on a bad signature). */
export function pdfsig(file: string, nssDir?: string): string {
  try {
    return execFileSync("pdfsig", [...(nssDir ? ["-nssdir", `sql:${nssDir}`] : []), file], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return `${e.stdout ?? ""}${e.stderr ?? ""}`;
  }
}

/** A round blue seal as a PNG: a ring and a cross on transparent ground. */
export function sealPng(size = 160): Buffer {
  const c = size / 2;
  return encodePng(size, size, 4, (x, y) => {
    const r = Math.hypot(x - c, y - c);
    const ink = (r > c * 0.82 && r < c * 0.95) || (r < c * 0.6 && r > c * 0.55) || (r < c * 0.5 && (Math.abs(x - c) < 4 || Math.abs(y - c) < 4));
    return ink ? [30, 60, 170, 230] : [0, 0, 0, 0];
  });
}
