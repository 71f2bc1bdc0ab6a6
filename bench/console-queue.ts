import autocannon from "autocannon";
import { randomUUID } from "node:crypto";
import { compose } from "../bin/compose";
import { loadConfig } from "../core/config";
import { createScratchDatabase } from "../scripts/scratch";

/**
 * The doctor's queue under load: `npm run bench:console -- [consultations] [connections]`.
 * Fills a scratch database with open consultations, then asks for the queue as fast as it answers.
 */
const [count = 2000, connections = 10] = process.argv.slice(2).map(Number);
const database = await createScratchDatabase("bench");
const services = compose(loadConfig({ DATABASE_URL: database.url, REDIS_PREFIX: `bench-${randomUUID().slice(0, 8)}`, LOG_LEVEL: "silent" }));
try {
  const { apiToken } = await services.doctors.create({ name: "Bench", specialties: ["gp"], languages: ["ru"] });
  for (let i = 0; i < count; i += 500) {
    const batch = Math.min(500, count - i);
    const patients = Array.from({ length: batch }, () => ({ id: randomUUID() }));
    await services.db.patient.createMany({ data: patients });
    const accounts = patients.map((p, j) => ({ id: randomUUID(), channel: "telegram" as const, externalUserId: `${i + j}`, chatId: `${i + j}`, patientId: p.id }));
    await services.db.messengerAccount.createMany({ data: accounts });
    await services.db.consultation.createMany({
      data: accounts.map((a, j) => ({ patientId: a.patientId, accountId: a.id, kind: "async_chat" as const, urgent: j % 17 === 0 })),
    });
  }
  const app = await services.startApi();
  const url = await app.listen({ port: 0, host: "127.0.0.1" });
  const result = await autocannon({ url: `${url}/api/v1/consultations?view=new`, connections, duration: 10, headers: { authorization: `Bearer ${apiToken}` } });
  process.stdout.write(
    `${count} open consultations, ${connections} connections: ${Math.round(result.requests.average)} queue reads/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, non-2xx ${result.non2xx}\n`,
  );
} finally {
  await services.close();
  await database.drop();
}
