import type { FastifyInstance } from "fastify";
import { AppError } from "../../errors";
import { text } from "../responses";
import type { Metrics } from "../../metrics/metrics";
import { metricsAuthorized } from "../../metrics/metrics-auth";

/** HTTP latency per route pattern for every request, and `GET /metrics` for Prometheus (README "Observability"). */
export function registerMetrics(app: FastifyInstance, metrics: Metrics, token: string | undefined): void {
  app.addHook("onResponse", async (request, reply) => {
    // The pattern, never request.url (call and exam links carry their secret in the path); 404s share one label.
    const route = request.routeOptions.url ?? "unmatched";
    metrics.httpDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  app.get("/metrics", { schema: { response: { 200: text("text/plain", "Prometheus text format") } } }, async (request, reply) => {
    if (!metricsAuthorized(request.headers.authorization, token)) throw new AppError("unauthorized", "metrics token required");
    const { contentType, body } = await metrics.render();
    return reply.type(contentType).send(body);
  });
}
