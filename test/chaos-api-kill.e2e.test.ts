import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startHarness, WEBHOOK_SECRET, type Harness } from "./helpers/harness";
import { telegramUpdates } from "./helpers/telegram-stand-in";

/**
 * Chaos (a): the api process is killed with SIGKILL while 300 patients send /start; the updates it did not
 * answer 200 are delivered again, as Telegram does. Every patient must get the welcome exactly once.
 */
let h: Harness;
const children: ChildProcess[] = [];

beforeAll(async () => {
  // The workers run here; the api (the edge only) is a separate process on the same database and Redis prefix.
  h = await startHarness({ LOG_LEVEL: "silent" });
}, 60_000);
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  await h?.close();
});

async function startApi(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "test/helpers/second-api.ts"], {
    env: {
      ...process.env,
      DATABASE_URL: inject("databaseUrl"),
      REDIS_PREFIX: h.services.config.REDIS_PREFIX,
      LOG_LEVEL: "silent",
      TELEGRAM_BOT_TOKEN: h.telegram.token,
      TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
      TELEGRAM_API_ROOT: h.telegram.apiRoot,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /LISTENING (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.once("exit", (code) => reject(new Error(`api exited with ${code}`)));
  });
  return { child, url: `http://127.0.0.1:${port}/webhooks/telegram` };
}

const post = (url: string, update: object) =>
  fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": WEBHOOK_SECRET },
    body: JSON.stringify(update),
  }).then(
    (response) => response.status,
    () => 0,
  );

describe("kill -9 of the api during 300 updates", () => {
  it("answers every patient exactly once after the undelivered updates come again", async () => {
    const patients = Array.from({ length: 300 }, () => h.newPatient("ru"));
    const updates = patients.map((patient) => telegramUpdates.text(h.nextUpdateId(), patient, "/start"));
    let api = await startApi();
    const status = new Array<number>(updates.length).fill(0);
    let next = 0;
    // 20 requests in flight, like a Telegram webhook with max_connections 20; the kill lands mid-run.
    const sender = async (url: string) => {
      while (next < updates.length) {
        const i = next++;
        status[i] = await post(url, updates[i]!);
      }
    };
    const run = Promise.all(Array.from({ length: 20 }, () => sender(api.url)));
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (next >= 100) {
          clearInterval(check);
          resolve();
        }
      }, 5);
    });
    api.child.kill("SIGKILL");
    await run;
    const failed = status.flatMap((code, i) => (code === 200 ? [] : [i]));
    expect(failed.length).toBeGreaterThan(0);

    // Telegram keeps what was not answered 200 and delivers it again to the new process.
    api = await startApi();
    for (const i of failed) expect(await post(api.url, updates[i]!)).toBe(200);
    // And a few it already had, as a redelivery after a lost answer would.
    for (const i of [0, 1, 2]) expect(await post(api.url, updates[i]!)).toBe(200);

    const welcomes = (id: number) => h.telegram.sent(id).filter((call) => String(call.params.text).startsWith("Здравствуйте")).length;
    await h.telegram.waitFor(() => patients.every((p) => welcomes(p.id) >= 1), 45_000);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(patients.filter((p) => welcomes(p.id) !== 1)).toEqual([]);
    api.child.kill("SIGTERM");
  }, 180_000); // about 35 s on a quiet machine; far longer when the whole suite shares the two cores
});
