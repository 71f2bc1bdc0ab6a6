import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { pdfsig, sealPng, TestPki } from "../../test/helpers/test-pki";
import { Icd10Catalogue } from "../icd10/icd10";
import { protocolContentSchema, type Protocol } from "../protocols/protocol";
import { P12Directory, P12DocumentSigner } from "./document-signer";
import { documentKinds, documentsFor, renderDocument, type RenderedKind } from "./render-documents";

const out = join(import.meta.dirname, "..", "..", "test-output", "documents");
const doctorId = "0b7a3c1e-5d0f-4f59-9f4e-2a1d9e7c4b11";
let pki: TestPki;

const protocol: Protocol = {
  id: "5c3c1ad6-0f5e-4a43-93c4-6a3f7b8e2d10",
  consultationId: "8a6f1f43-2a57-4d1b-b3f0-53a7a5b0e0a2",
  consultationNumber: 1042,
  patientId: "c2f7f8b4-2a0a-4b0e-8a51-1d1b3f5e9a77",
  doctorId,
  version: 2,
  previousId: "9e3d4b2a-6c1f-4e8d-a0b7-3f2e1d0c9b8a",
  status: "signed",
  primary: false,
  signedAt: new Date("2026-11-20T09:30:00Z"),
  createdAt: new Date("2026-11-20T09:00:00Z"),
  updatedAt: new Date("2026-11-20T09:30:00Z"),
  content: protocolContentSchema.parse({
    patient: { fullName: "Gʻulomova Oʻgʻiloy Şəhla", birthDate: "1984-03-07" },
    complaints: "Головная боль по вечерам, давление до 150/95. Boshim ogʻriyapti, Oʻzbekiston.",
    objective: "АД по домашнему тонометру 148/92, ЧСС 78. Əlavə şikayət yoxdur.",
    assessment: { kind: "diagnosis", text: "Гипертензия, контроль недостаточный", codes: ["I10"] },
    recommendations: "Ограничить соль, дневник давления утром и вечером.",
    referrals: [
      { kind: "lab_tests", target: "Биохимия крови: креатинин, калий, липидограмма" },
      { kind: "in_person_visit", target: "Терапевт, очный приём через 4 недели" },
    ],
    prescriptions: [
      { medicine: "Лозартан", dose: "50 мг", schedule: "1 таблетка утром", durationDays: 30, treatmentChange: "change" },
      { medicine: "Амлодипин", dose: "5 мг", schedule: "1 таблетка вечером", durationDays: 30, treatmentChange: "new" },
    ],
  }),
};

const text = (file: string) => execFileSync("pdftotext", ["-enc", "UTF-8", file, "-"], { encoding: "utf8" });

async function makeSigned(kind: RenderedKind, language = "uz") {
  const pdf = await renderDocument(kind, {
    protocol,
    previousVersion: 1,
    doctorName: "Анна Петрова",
    patientLanguage: language,
    clinic: { name: "ООО «Клиника Телеконс»", licence: "Л041-01137-77/00368259", address: "Москва, ул. Тверская, д. 1", seal: sealPng() },
    icd10: Icd10Catalogue.fromShippedFile(),
  });
  const signer = new P12DocumentSigner(new P12Directory(pki.certsDir, pki.password));
  return signer.sign(pdf, {
    doctorId,
    doctorName: "Анна Петрова",
    reason: `${kind} test`,
    location: "Москва",
    contactInfo: "Клиника",
    signingTime: protocol.signedAt!,
  });
}

beforeAll(() => {
  mkdirSync(out, { recursive: true });
  pki = new TestPki();
  pki.issueDoctor(doctorId, "Анна Петрова");
});

describe("signed PDF documents", () => {
  it("yields a report, a prescription and a referral for a protocol holding both", () => {
    expect(documentsFor(protocol)).toEqual(["report", "prescription", "referral"]);
    expect(documentsFor({ ...protocol, content: { ...protocol.content, prescriptions: [], referrals: [] } })).toEqual(["report"]);
    // A second opinion's conclusion takes the report's place.
    expect(documentsFor(protocol, "second_opinion")).toEqual(["prescription", "referral", "second_opinion"]);
  });

  it.each(documentKinds)("%s: signature valid and trusted by pdfsig, Cyrillic and Uzbek Latin text extractable, page 1 rendered", async (kind) => {
    const file = join(out, `${kind}.pdf`);
    writeFileSync(file, await makeSigned(kind));
    const check = pdfsig(file, pki.nssDir);
    expect(check).toContain("Signature Validation: Signature is Valid.");
    expect(check).toContain("Certificate Validation: Certificate is Trusted.");
    expect(check).toContain("Анна Петрова");

    const extracted = text(file);
    expect(extracted).toContain("Gʻulomova Oʻgʻiloy Şəhla");
    expect(extracted).toContain("Анна Петрова");
    expect(extracted).toContain("ООО «Клиника Телеконс»");
    const titles = { report: "Masofaviy konsultatsiya bayonnomasi", prescription: "RETSEPT", referral: "Yoʻllanma", second_opinion: "Xulosa (ikkinchi fikr)" };
    expect(extracted).toContain(titles[kind]);
    if (kind === "report") expect(extracted).toContain("Boshim ogʻriyapti, Oʻzbekiston");
    if (kind === "prescription") expect(extracted).toMatch(/Форма № 107-1\/у/);
    if (kind === "referral") expect(extracted).toContain("Терапевт, очный приём через 4 недели");

    execFileSync("pdftoppm", ["-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", file, join(out, kind)]);
  });

  it("fails pdfsig once one byte inside the signed ranges changes", async () => {
    const signed = await makeSigned("report", "az");
    const [, firstLength, secondStart, secondLength] = /\/ByteRange \[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)/
      .exec(signed.toString("latin1"))!
      .slice(1)
      .map(Number) as [number, number, number, number];
    expect(secondStart + secondLength).toBe(signed.length);
    const original = join(out, "report-az.pdf");
    writeFileSync(original, signed);
    expect(pdfsig(original, pki.nssDir)).toContain("Signature is Valid");
    // Inside the first signed range, well clear of the header: a byte of the page content.
    const at = Math.floor(firstLength / 2);
    const tampered = Buffer.from(signed);
    tampered[at] = tampered[at]! ^ 0x01;
    const file = join(out, "report-tampered.pdf");
    writeFileSync(file, tampered);
    const check = pdfsig(file, pki.nssDir);
    expect(check).not.toContain("Signature is Valid");
    expect(check).toMatch(/Digest Mismatch|Signature is Invalid/);
  });
});
