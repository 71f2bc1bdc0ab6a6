import { createServer, type Server } from "node:http";
import type { Metrics } from "./metrics";
import { metricsAuthorized } from "./metrics-auth";

/**
 * The workers process has no api: it serves its own counters (jobs, 429s, inbound handling) on METRICS_PORT,
 * with the same bearer token as the api's /metrics. Plain node:http: one route, no framework.
 */
export async function startMetricsServer(metrics: Metrics, options: { port: number; host: string; token?: string }): Promise<Server> {
  const server = createServer((request, response) => {
    const path = (request.url ?? "").split("?")[0];
    if (request.method !== "GET" || path !== "/metrics") return response.writeHead(404).end();
    if (!metricsAuthorized(request.headers.authorization, options.token)) {
      return response.writeHead(401, { "content-type": "application/json" }).end('{"code":"unauthorized","message":"metrics token required"}');
    }
    metrics.render().then(
      ({ contentType, body }) => response.writeHead(200, { "content-type": contentType }).end(body),
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(options.port, options.host, resolve));
  return server;
}
