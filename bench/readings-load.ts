/**
 * The load side of bench/readings.ts. It runs in its own process (forked by the bench) so that autocannon's
 * request building and response parsing do not take the server's event loop: the server is measured alone,
 * as `npm start` would run it, with the other core left to autocannon, Postgres and Redis.
 */
import autocannon from "autocannon";

export interface LoadTask {
  url: string;
  tokens: string[];
  connections: number;
  /** Requests to send. */
  amount: number;
  perRequest: number;
  /** Epoch ms of the first reading; every reading gets its own millisecond after it, so none is a duplicate. */
  clock: number;
}

export interface LoadResult {
  "readings/s": number;
  "requests/s": number;
  "p50 ms": number;
  "p99 ms": number;
  non2xx: number;
  errors: number;
  /** Epoch ms after the last reading sent. */
  clock: number;
}

process.once("message", async (task: LoadTask) => {
  let clock = task.clock;
  let next = 0;
  // One patient in four is hypertensive: their first evaluated reading opens an alert.
  const reading = (patient: number) => {
    const at = new Date(clock++).toISOString();
    return patient % 4 === 0
      ? { kind: "blood_pressure", systolic: 165, diastolic: 100, at }
      : { kind: "blood_pressure", systolic: 122, diastolic: 78, at };
  };
  const result = await autocannon({
    url: task.url,
    connections: task.connections,
    amount: task.amount,
    requests: [
      {
        method: "POST",
        setupRequest: (request) => {
          const patient = next++ % task.tokens.length;
          const body = { deviceId: "bench", readings: Array.from({ length: task.perRequest }, () => reading(patient)) };
          return { ...request, headers: { "content-type": "application/json", authorization: `Bearer ${task.tokens[patient]}` }, body: JSON.stringify(body) };
        },
      },
    ],
  });
  // Totals over the whole run: autocannon's per-second average is coarse for a run of a few seconds.
  const answer: LoadResult = {
    "readings/s": Math.round((result["2xx"] * task.perRequest) / result.duration),
    "requests/s": Math.round(result.requests.total / result.duration),
    "p50 ms": result.latency.p50,
    "p99 ms": result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    clock,
  };
  process.send!(answer, () => process.disconnect());
});
