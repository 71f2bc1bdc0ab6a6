import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { analyticsCsv } from "../../analytics/analytics-csv";
import { analyticsQuerySchema, analyticsSchema, refreshQuerySchema } from "../../analytics/analytics-schema";
import type { AnalyticsService } from "../../analytics/analytics-service";
import { noContent, text } from "../responses";
import { requireRole } from "../staff-auth";

/** Admin only: the clinic's figures for a range, as JSON for the console's screen and as CSV; rebuilding them now. */
export const analyticsRoutes = (deps: { analytics: AnalyticsService }) => async (scope: FastifyInstance) => {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  app.addHook("preHandler", async (request) => requireRole(request, "admin"));
  const actor = (staffId: string) => ({ type: "staff" as const, id: staffId });

  app.get("/analytics", { schema: { querystring: analyticsQuerySchema, response: { 200: analyticsSchema } } }, async (request) =>
    deps.analytics.report(actor(request.staff.id), request.query),
  );

  app.get("/analytics.csv", { schema: { querystring: analyticsQuerySchema, response: { 200: text("text/csv", "The figures as CSV") } } }, async (request, reply) => {
    const report = await deps.analytics.report(actor(request.staff.id), request.query, "csv");
    const q = request.query;
    return reply
      .type("text/csv; charset=utf-8")
      .header("content-disposition", `attachment; filename="telecons-analytics-${q.from}-${q.to}-${q.granularity}.csv"`)
      .header("cache-control", "no-store")
      .send(analyticsCsv(report));
  });

  app.post("/analytics/refresh", { schema: { querystring: refreshQuerySchema, response: { 204: noContent } } }, async (request, reply) => {
    await deps.analytics.refresh(actor(request.staff.id), request.query.timeZone);
    return reply.status(204).send();
  });
};
