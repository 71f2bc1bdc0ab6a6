import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { webDriver } from "./helpers/channel-drivers";
import { startHarness, type Harness } from "./helpers/harness";

let h: Harness;
let second: ChildProcess;
let secondUrl = "";

beforeAll(async () => {
  h = await startHarness();
  // Another api process on the same database and Redis prefix, without workers: replies reach it only through Redis.
  second = spawn(process.execPath, ["--import", "tsx", "test/helpers/second-api.ts"], {
    env: { ...process.env, DATABASE_URL: inject("databaseUrl"), REDIS_PREFIX: h.services.config.REDIS_PREFIX, LOG_LEVEL: "silent" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    second.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /LISTENING (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    second.once("exit", (code) => reject(new Error(`second api exited with ${code}`)));
  });
  secondUrl = `http://127.0.0.1:${port}`;
}, 60_000);

afterAll(async () => {
  second?.kill("SIGTERM");
  await h?.close();
});

/** A page's EventSource, read by hand: the ids and texts of the `message` events. */
function openStream(url: string, lastEventId?: string) {
  const controller = new AbortController();
  const received: Array<{ id: string; text: string }> = [];
  const done = (async () => {
    const response = await fetch(url, { headers: lastEventId ? { "last-event-id": lastEventId } : {}, signal: controller.signal });
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf("\n\n")) !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const id = /^id: (.+)$/m.exec(block)?.[1];
        const data = /^data: (.+)$/m.exec(block)?.[1];
        if (id && data) received.push({ id, text: (JSON.parse(data) as { text: string }).text });
      }
    }
  })().catch(() => undefined);
  return { received, close: () => (controller.abort(), done) };
}

describe("the web chat across api instances", () => {
  it("delivers replies to a page connected to another instance, and catches up after a reconnect", async () => {
    const visitor = await webDriver(h, "ru");
    const ticket = await h.app.inject({ method: "POST", url: "/widget/api/events/ticket", headers: { authorization: `Bearer ${visitor.token}` } });
    const url = `${secondUrl}/widget/api/events?ticket=${encodeURIComponent(ticket.json().ticket)}`;
    const first = openStream(url);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await visitor.say("/start");
    await expect.poll(() => first.received.map((m) => m.text.slice(0, 12)), { timeout: 10_000 }).toEqual(["Здравствуйте", "Я буду говор", "Чтобы врач м"]);
    await first.close();

    // While the page is away, the patient's consent is answered; the reconnect asks for what came after its last id.
    await visitor.press("consent:personal_data:yes");
    await visitor.waitForText("Спасибо, согласие на обработку персональных данных получено.");
    const again = openStream(url, first.received.at(-1)!.id);
    await expect.poll(() => again.received.map((m) => m.text.slice(0, 12)), { timeout: 10_000 }).toEqual(["Спасибо, сог", "Согласие на "]);
    await again.close();
  });
});
