// Documents rendered and signed per second on this machine: pdf-lib layout with embedded Noto Sans (subset),
// a PAdES/CMS signature from a PKCS#12 doctor certificate issued by a test clinic CA. No database: the worker's
// CPU part only (storing the encrypted file adds one AES-GCM pass and one INSERT).
// Usage: npm run bench:documents -- [documents] [concurrency]
import { performance } from "node:perf_hooks";
import { P12Directory, P12DocumentSigner } from "../core/documents/document-signer";
import { documentKinds, renderDocument } from "../core/documents/render-documents";
import { Icd10Catalogue } from "../core/icd10/icd10";
import { protocolContentSchema, type Protocol } from "../core/protocols/protocol";
import { sealPng, TestPki } from "../test/helpers/test-pki";

const total = Number(process.argv[2] ?? 60);
const concurrency = Number(process.argv[3] ?? 1);
const doctorId = "6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b";
const pki = new TestPki();
pki.issueDoctor(doctorId, "Анна Петрова");
const signer = new P12DocumentSigner(new P12Directory(pki.certsDir, pki.password));
const icd10 = Icd10Catalogue.fromShippedFile();
const clinic = { name: "ООО «Клиника Телеконс»", licence: "Л041-01137-77/00368259", address: "Москва, ул. Тверская, д. 1", seal: sealPng() };
const protocol: Protocol = {
  id: "0d9e8f7a-6b5c-4d3e-8f1a-2b3c4d5e6f70",
  consultationId: "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
  consultationNumber: 1,
  patientId: "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e",
  doctorId,
  version: 1,
  previousId: null,
  status: "signed",
  primary: false,
  signedAt: new Date(),
  createdAt: new Date(),
  updatedAt: new Date(),
  content: protocolContentSchema.parse({
    patient: { fullName: "Gʻulomova Oʻgʻiloy", birthDate: "1984-03-07" },
    complaints: "Головная боль по вечерам, давление до 150/95.",
    objective: "АД 148/92, ЧСС 78.",
    assessment: { kind: "diagnosis", text: "Артериальная гипертензия", codes: ["I10"] },
    recommendations: "Ограничить соль, дневник давления.",
    referrals: [{ kind: "lab_tests", target: "Креатинин, калий" }],
    prescriptions: [{ medicine: "Лозартан", dose: "50 мг", schedule: "утром", durationDays: 30, treatmentChange: "change" }],
  }),
};

async function one(i: number): Promise<number> {
  const kind = documentKinds[i % documentKinds.length]!;
  const pdf = await renderDocument(kind, { protocol, doctorName: "Анна Петрова", patientLanguage: "uz", clinic, icd10 });
  const bytes = await signer.sign(pdf, { doctorId, doctorName: "Анна Петрова", reason: kind, location: "Москва", contactInfo: "Клиника", signingTime: new Date() });
  return bytes.length;
}

await one(0); // warm-up: font parsing, JIT
let next = 0;
let bytes = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < total) bytes += await one(next++);
  }),
);
const seconds = (performance.now() - started) / 1000;
console.log(
  `${total} documents (report/prescription/referral, ru+uz, signed) in ${seconds.toFixed(2)} s: ` +
    `${(total / seconds).toFixed(1)} documents/s, ${((seconds * 1000) / total).toFixed(0)} ms each, ${Math.round(bytes / total / 1024)} KiB average`,
);
