// One worker process of `npm run bench:documents` end to end: the production documents worker (its declaration and
// concurrency, the composed DocumentService), configured from the environment like bin/workers.ts, with the wall time
// of each stage summed. Started by bench/documents.ts through fork(); answers "stages" with the sums.
import { performance } from "node:perf_hooks";
import { SignPdf } from "@signpdf/signpdf";
import { PDFDocument } from "pdf-lib";
import { compose } from "../bin/compose";
import { loadConfig } from "../core/config";
import { DocumentRepository } from "../core/documents/document-repository";
import { P12DocumentSigner } from "../core/documents/document-signer";
import { DocumentService } from "../core/documents/document-service";
import { SigningCertificates } from "../core/documents/signing-certificates";
import { EncryptedFileStore, LocalDiskBackend } from "../core/files/file-store";
import { StoredFileRepository } from "../core/files/stored-file-repository";
import { PatientNotifier } from "../core/patients/patient-notifier";
import { ProtocolService } from "../core/protocols/protocol-service";

export type Stage = "job" | "sign" | "certificate" | "pdf save" | "CMS" | "store" | "write" | "db" | "cpu";
const spent: Record<Exclude<Stage, "cpu">, number> = { job: 0, sign: 0, certificate: 0, "pdf save": 0, CMS: 0, store: 0, write: 0, db: 0 };

/** Sums the wall time of the prototype's async methods under a stage (the bench's instrument, not production's). */
function timed(proto: object, methods: string[], stage: keyof typeof spent): void {
  const target = proto as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const name of methods) {
    const original = target[name]!;
    target[name] = async function (this: unknown, ...args: unknown[]) {
      const started = performance.now();
      try {
        return await original.apply(this, args);
      } finally {
        spent[stage] += performance.now() - started;
      }
    };
  }
}

timed(DocumentService.prototype, ["produce"], "job");
timed(P12DocumentSigner.prototype, ["sign"], "sign");
timed(PDFDocument.prototype, ["save"], "pdf save");
timed(SignPdf.prototype, ["sign"], "CMS");
timed(EncryptedFileStore.prototype, ["put"], "store");
timed(LocalDiskBackend.prototype, ["put"], "write");
timed(DocumentRepository.prototype, ["forProtocol", "names", "consultationFacts", "create", "claimNotice", "noteFailure"], "db");
timed(StoredFileRepository.prototype, ["create"], "db");
timed(SigningCertificates.prototype, ["credentialsFor"], "certificate");
timed(ProtocolService.prototype, ["load"], "db");
timed(PatientNotifier.prototype, ["notify"], "db");

const services = compose(loadConfig());
services.queues.start(services.documentsJobs, { documents: services.documents, logger: services.logger });
process.on("message", (message) => {
  // The process's CPU time beside the stages: on a shared machine it shows the cost that the wall times blur.
  const cpu = process.cpuUsage();
  if (message === "stages") process.send!({ ...spent, cpu: (cpu.user + cpu.system) / 1000 });
});
process.on("SIGTERM", () => void services.close().then(() => process.exit(0)));
process.send!("ready");
