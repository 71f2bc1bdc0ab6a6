/**
 * The load generator for bench/webhook.ts's "offered" rows, run as a process of its own (forked with tsx):
 * posts `updates` Telegram updates to `url` at `rate` a second, evenly spaced whatever the answers (update n is due
 * (n - 1)/rate s after the start), at most `connections` in flight, as Telegram's `max_connections`.
 * autocannon's `overallRate` is not that: each connection sends its share of a second back to back at the second's
 * start and then waits, so "500/s" arrives as a burst of 500 (bare Fastify's p99 was 150–250 ms so), and its latency
 * correction takes 1 ms as the expected interval. A latency counts from when the update was due, so a wait for a free
 * connection counts too. Answers its parent with a `PacedResult`.
 * Usage (from bench/webhook.ts): paced-client.ts <url> <rate> <updates> <connections> <secret>
 */
import http from "node:http";
import { telegramUpdates } from "../test/helpers/telegram-stand-in";

export interface PacedResult {
  /** When update 1 was due (epoch ms). */
  start: number;
  figures: { "updates/s": number; "p50 ms": number; "p99 ms": number; non2xx: number; errors: number };
}

/** What Telegram sends with every update: its body's type and the webhook's secret token. */
export const webhookHeaders = (secret: string) => ({ "content-type": "application/json", "x-telegram-bot-api-secret-token": secret });

/** Update `id`: every second one a new patient's /start, the others that patient's complaint before consent. */
export const updateBody = (id: number) =>
  JSON.stringify(telegramUpdates.text(id, { id: 1_000_000 + Math.ceil(id / 2), languageCode: "ru" }, id % 2 ? "/start" : "Болит голова"));

/** The p-th percentile of sorted values (shared with bench/webhook.ts). */
export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;

async function paced(url: string, rate: number, updates: number, connections: number, secret: string): Promise<PacedResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const headers = webhookHeaders(secret);
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const start = performance.now();
  const post = (id: number, due: number) =>
    new Promise<void>((resolve) => {
      const request = http.request(url, { method: "POST", agent, headers }, (response) => {
        response.resume().on("end", () => {
          if (response.statusCode! >= 200 && response.statusCode! < 300) latencies.push(performance.now() - due);
          else non2xx += 1;
          resolve();
        });
      });
      request.on("error", () => {
        errors += 1;
        resolve();
      });
      request.end(updateBody(id));
    });
  const posted: Array<Promise<void>> = [];
  for (let id = 1; id <= updates; id++) {
    const due = start + ((id - 1) * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    posted.push(post(id, due));
  }
  await Promise.all(posted);
  const elapsed = performance.now() - start;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    start: performance.timeOrigin + start,
    figures: {
      "updates/s": Math.round((latencies.length * 1000) / elapsed),
      "p50 ms": Math.round(percentile(latencies, 50)),
      "p99 ms": Math.round(percentile(latencies, 99)),
      non2xx,
      errors,
    },
  };
}

if (process.send) {
  const [url, rate, updates, connections, secret] = process.argv.slice(2);
  process.send(await paced(url!, Number(rate), Number(updates), Number(connections), secret!), () => process.exit(0));
}
