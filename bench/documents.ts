// Documents rendered and signed per second on this machine: pdf-lib layout with embedded Noto Sans (subset),
// a PAdES/CMS signature from a PKCS#12 doctor certificate issued by a test clinic CA.
// The CPU part first, in this process, no database: the ceiling. Then end to end (unless protocols is 0): signed
// protocols written to Postgres, queued to the documents queue (a prefix of its own in Redis) and made by the
// production documents worker in separate processes (bench/documents-worker.ts): render, sign, encrypt, store,
// rows. Prints documents/s, enqueue → stored p50/p99 per protocol and the wall time of each stage per document;
// once all at once, then at 3/4 of that rate offered.
// Database: DATABASE_URL when set (a migrated one), else a scratch database dropped afterwards.
// Usage: npm run bench:documents -- [documents=60] [concurrency=1] [protocols=100] [workerProcesses=2]
// Profile: node --cpu-prof --cpu-prof-dir=DIR --import tsx bench/documents.ts … (each worker writes its own profile).
import { fork, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os, { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { compose } from "../bin/compose";
import { loadConfig } from "../core/config";
import { P12Directory, P12DocumentSigner } from "../core/documents/document-signer";
import { documentKinds, documentsFor, renderDocument } from "../core/documents/render-documents";
import { Icd10Catalogue } from "../core/icd10/icd10";
import { protocolContentSchema, type Protocol } from "../core/protocols/protocol";
import { createScratchDatabase, deleteRedisKeys } from "../scripts/scratch";
import { pdfsig, sealPng, TestPki } from "../test/helpers/test-pki";
import type { Stage } from "./documents-worker";

const total = Number(process.argv[2] ?? 60);
const concurrency = Number(process.argv[3] ?? 1);
const protocols = Number(process.argv[4] ?? 100);
const workerProcesses = Number(process.argv[5] ?? 2);
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
    while (next < total) {
      const size = await one(next++);
      bytes += size;
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
console.log(
  `${total} documents (report/prescription/referral, ru+uz, signed) in ${seconds.toFixed(2)} s: ` +
    `${(total / seconds).toFixed(1)} documents/s, ${((seconds * 1000) / total).toFixed(0)} ms each, ${Math.round(bytes / total / 1024)} KiB average`,
);

if (protocols > 0) await endToEnd();

async function endToEnd(): Promise<void> {
  const scratch = process.env.DATABASE_URL ? undefined : await createScratchDatabase("bench");
  const filesDir = mkdtempSync(join(tmpdir(), "telecons-bench-files-"));
  const env = {
    DATABASE_URL: process.env.DATABASE_URL ?? scratch!.url,
    REDIS_PREFIX: `bench-docs-${randomUUID().slice(0, 8)}`,
    LOG_LEVEL: "silent",
    FILE_STORAGE_DIR: filesDir,
    FILE_ENCRYPTION_KEYS: `bench:${randomBytes(32).toString("base64")}`,
    DOCTOR_CERTS_DIR: pki.certsDir,
    DOCTOR_CERTS_PASSWORD: pki.password,
  };
  const services = compose(loadConfig({ ...process.env, ...env }));
  const { db } = services;
  const workers: ChildProcess[] = [];
  try {
    const doctor = randomUUID();
    pki.issueDoctor(doctor, "Анна Петрова");
    await db.doctor.create({ data: { id: doctor, name: "Анна Петрова", specialties: ["gp"], languages: ["ru"] } });
    for (let i = 0; i < workerProcesses; i++) {
      // This process's node flags (tsx's loader; --cpu-prof when given) go to the workers too.
      const worker = fork(join(import.meta.dirname, "documents-worker.ts"), { env: { ...process.env, ...env } });
      workers.push(worker);
      await new Promise((resolve) => worker.once("message", resolve));
    }
    const perProtocol = documentsFor(protocol).length;

    /** N signed protocols of N patients, each with a messenger account for the "documents ready" notice. */
    const seed = async (count: number): Promise<string[]> => {
      const patients = Array.from({ length: count }, (_, i) => ({ id: randomUUID(), language: i % 2 ? "uz" : "ru" }));
      await db.patient.createMany({ data: patients });
      const accounts = patients.map((p) => ({ id: randomUUID(), channel: "telegram" as const, externalUserId: `bench-${p.id}`, chatId: `bench-${p.id}`, patientId: p.id }));
      await db.messengerAccount.createMany({ data: accounts });
      const consultations = accounts.map((a) => ({ id: randomUUID(), patientId: a.patientId, doctorId: doctor, accountId: a.id, kind: "async_chat" as const, status: "closed" as const }));
      await db.consultation.createMany({ data: consultations });
      const rows = consultations.map((c) => ({ id: randomUUID(), consultationId: c.id, patientId: c.patientId, doctorId: doctor, version: 1, status: "signed" as const, primary: false, content: protocol.content, signedAt: new Date() }));
      await db.protocol.createMany({ data: rows });
      return rows.map((r) => r.id);
    };

    const stages = async (): Promise<Record<Stage, number>> => {
      const each = await Promise.all(
        workers.map((w) => new Promise<Record<Stage, number>>((resolve) => {
          w.once("message", (m) => resolve(m as Record<Stage, number>));
          w.send("stages");
        })),
      );
      return each.reduce((sum, s) => Object.fromEntries(Object.entries(sum).map(([k, v]) => [k, v + s[k as Stage]])) as Record<Stage, number>);
    };

    /** Queues the protocols (all at once, or `perSecond` of them a second) and waits until every document is stored. */
    const run = async (ids: string[], perSecond = 0) => {
      const load = os.loadavg()[0]!;
      const before = await stages();
      const enqueuedAt = new Map<string, number>();
      const first = Date.now();
      for (const [i, id] of ids.entries()) {
        const due = first + (perSecond > 0 ? (i * 1000) / perSecond : 0);
        if (due > Date.now()) await sleep(due - Date.now());
        enqueuedAt.set(id, Date.now());
        await services.enqueueDocuments(id);
      }
      const deadline = Date.now() + 600_000;
      while ((await db.clinicalDocument.count({ where: { protocolId: { in: ids } } })) < ids.length * perProtocol) {
        if (Date.now() > deadline) throw new Error("documents not made within 10 minutes");
        await sleep(100);
      }
      const stored = await db.clinicalDocument.groupBy({ by: ["protocolId"], where: { protocolId: { in: ids } }, _max: { createdAt: true } });
      const latencies = stored.map((row) => row._max.createdAt!.getTime() - enqueuedAt.get(row.protocolId)!).sort((a, b) => a - b);
      const seconds = (Math.max(...stored.map((row) => row._max.createdAt!.getTime())) - first) / 1000;
      const after = await stages();
      const spent = Object.fromEntries(Object.entries(after).map(([k, v]) => [k, (v - before[k as Stage]) / (ids.length * perProtocol)])) as Record<Stage, number>;
      return { ids, documentsPerSecond: (ids.length * perProtocol) / seconds, protocolsPerSecond: ids.length / seconds, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), spent, load: `${load.toFixed(1)} → ${os.loadavg()[0]!.toFixed(1)}` };
    };

    await run(await seed(4 * workerProcesses)); // warm-up: fonts parsed, certificate decoded, JIT, in each process
    const burst = await run(await seed(protocols));
    const offered = Math.max(1, Math.round((burst.protocolsPerSecond * 3) / 4 * 10) / 10);
    const paced = await run(await seed(protocols), offered);
    // What the workers stored is what production stores: one sample decrypted and checked by poppler.
    const [sample] = await services.documents.forProtocol(paced.ids[0]!);
    const sampleFile = join(filesDir, "sample.pdf");
    writeFileSync(sampleFile, (await services.documents.content(sample!.id)).bytes);
    const verdict = /Signature Validation: (.*)/.exec(pdfsig(sampleFile, pki.nssDir))?.[1] ?? "no signature";
    console.log(`\nend to end: ${protocols} signed protocols × ${perProtocol} documents, ${workerProcesses} worker processes × concurrency ${services.documentsJobs.concurrency} (the documents queue's)`);
    console.log(`a stored document, decrypted, by pdfsig: ${verdict}`);
    console.log("| run | documents/s | protocols/s | enqueue → stored p50 ms | p99 ms | load average (1 min) |\n| --- | --- | --- | --- | --- | --- |");
    for (const [name, r] of [["all queued at once", burst], [`${offered} protocols/s offered`, paced]] as const) {
      console.log(`| ${name} | ${r.documentsPerSecond.toFixed(1)} | ${r.protocolsPerSecond.toFixed(1)} | ${r.p50} | ${r.p99} | ${r.load} |`);
    }
    const s = burst.spent;
    const render = s.job - s.sign - s.store - s.db;
    console.log(
      "where the time goes (all queued at once; wall ms per document summed in the workers: two jobs share a process, so a wait includes the other's CPU):\n" +
        [
          ["render (layout)", render],
          ["pdf save (font subsets, deflate)", s["pdf save"]],
          ["CMS signature", s.CMS],
          ["certificate lookup", s.certificate],
          ["signature placeholder", s.sign - s["pdf save"] - s.CMS - s.certificate],
          ["encrypt", s.store - s.write],
          ["file write", s.write],
          ["db (protocol, names, rows, notice)", s.db],
          ["whole job", s.job],
          ["worker CPU time (user + system)", s.cpu],
        ]
          .map(([name, ms]) => `  ${name}: ${(ms as number).toFixed(1)}`)
          .join("\n"),
    );
  } finally {
    await Promise.all(workers.map((w) => new Promise((resolve) => w.once("exit", resolve).kill("SIGTERM"))));
    await services.close();
    await scratch?.drop();
    await deleteRedisKeys(loadConfig({ ...process.env, ...env }).REDIS_URL, env.REDIS_PREFIX);
    rmSync(filesDir, { recursive: true, force: true });
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
