import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import type { VideoEvent } from "../core/video/video-events";
import { startHarness, type Harness } from "./helpers/harness";

let h: Harness;
let second: ChildProcess;
let urls: string[] = [];

/** Starts `test/helpers/second-api.ts` as its own Node process on the same database and Redis prefix. */
async function startSecondApi(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "test/helpers/second-api.ts"], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /LISTENING (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.once("exit", (code) => reject(new Error(`second api exited with ${code}`)));
  });
  return { child, url: `http://127.0.0.1:${port}` };
}

beforeAll(async () => {
  h = await startHarness();
  await h.app.listen({ port: 0, host: "127.0.0.1" });
  const address = h.app.server.address() as { port: number };
  const other = await startSecondApi({
    DATABASE_URL: inject("databaseUrl"),
    REDIS_PREFIX: h.services.config.REDIS_PREFIX,
    LOG_LEVEL: "silent",
  });
  second = other.child;
  urls = [`http://127.0.0.1:${address.port}`, other.url];
}, 60_000);

afterAll(async () => {
  second?.kill("SIGTERM");
  await h?.close();
});

/** Reads server-sent events from a console stream until `until` is satisfied. */
async function openStream(url: string, token: string) {
  const controller = new AbortController();
  const response = await fetch(`${url}/api/v1/video/stream`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
  expect(response.headers.get("content-type")).toBe("text/event-stream");
  const events: Array<{ name: string; data: unknown }> = [];
  const reader = response.body!.getReader();
  let buffer = "";
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += new TextDecoder().decode(value);
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const name = /^event: (.+)$/m.exec(block)?.[1];
          const data = /^data: (.+)$/m.exec(block)?.[1];
          if (name && data) events.push({ name, data: JSON.parse(data) });
        }
      }
    } catch {
      /* aborted */
    }
  })();
  const waitFor = async (predicate: (e: { name: string; data: unknown }) => boolean, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!events.some(predicate)) {
      if (Date.now() > deadline) throw new Error(`stream: no matching event in ${JSON.stringify(events)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return events.find(predicate)!;
  };
  return { events, waitFor, close: () => controller.abort() };
}

describe("first accept wins across two api processes sharing Redis", () => {
  it("lets exactly one of 50 doctors win each request, every time, and tells the others at once", async () => {
    const specialty = `race${randomUUID().slice(0, 6)}`;
    const doctors = await Promise.all(
      Array.from({ length: 50 }, (_, i) => h.services.doctors.create({ name: `Doctor ${i}`, specialties: [specialty], languages: ["ru"] })),
    );
    const now = Date.now();
    await h.db.dutyShift.createMany({
      data: doctors.map(({ doctor }) => ({ doctorId: doctor.id, specialty, startsAt: new Date(now - 3600_000), endsAt: new Date(now + 3600_000) })),
    });
    // a doctor watching the console on the SECOND process
    const stream = await openStream(urls[1]!, doctors[7]!.apiToken);
    await stream.waitFor((e) => e.name === "snapshot");

    const rounds = 5;
    for (let round = 0; round < rounds; round++) {
      // the patient side is covered elsewhere: here only the request matters
      const patient = h.newPatient("ru");
      const account = await h.db.messengerAccount.create({
        data: { channel: "telegram", externalUserId: String(patient.id), chatId: String(patient.id), patient: { create: { language: "ru" } } },
      });
      // the request is created on the FIRST process …
      const outcome = await h.services.video.requestVideo({ patientId: account.patientId, accountId: account.id, specialty });
      expect(outcome.kind).toBe("queued");
      const visitId = (outcome as { visitId: string }).visitId;
      // … and reaches the doctor's stream on the second one through Redis pub/sub
      await stream.waitFor((e) => e.name === "request" && (e.data as VideoEvent).visitId === visitId);

      const responses = await Promise.all(
        doctors.map(({ apiToken }, i) =>
          fetch(`${urls[i % 2]}/api/v1/video/requests/${visitId}/accept`, { method: "POST", headers: { authorization: `Bearer ${apiToken}` } }),
        ),
      );
      const statuses = responses.map((r) => r.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(49);
      const winner = doctors[statuses.indexOf(200)]!.doctor.id;
      const visit = await h.db.videoVisit.findUniqueOrThrow({ where: { id: visitId } });
      expect(visit.doctorId).toBe(winner);
      expect(visit.status).toBe("accepted");
      const taken = await stream.waitFor((e) => e.name === "taken" && (e.data as VideoEvent).visitId === visitId);
      expect((taken.data as { doctorId: string }).doctorId).toBe(winner);
    }
    stream.close();
  }, 90_000);
});
