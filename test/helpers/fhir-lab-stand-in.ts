import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A laboratory's FHIR R4 server, as small as the pull worker needs: `GET /fhir/DiagnosticReport` with
 * `_lastUpdated=gt<instant>` answers a searchset Bundle of the reports changed since then, with their
 * Observations included (`_include=DiagnosticReport:result`). Records every query.
 */
export class FhirLabStandIn {
  private server?: Server;
  readonly queries: URLSearchParams[] = [];
  private readonly reports: Array<{ report: Record<string, unknown>; observations: Array<Record<string, unknown>> }> = [];

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/fhir`;
  }

  /** Publishes a report (and its result Observations) as updated now. */
  publish(report: Record<string, unknown>, observations: Array<Record<string, unknown>> = [], lastUpdated = new Date()) {
    this.reports.push({ report: { ...report, meta: { lastUpdated: lastUpdated.toISOString() } }, observations });
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://stand-in");
      if (req.method !== "GET" || url.pathname !== "/fhir/DiagnosticReport") {
        res.writeHead(404, { "content-type": "application/fhir+json" }).end(JSON.stringify({ resourceType: "OperationOutcome" }));
        return;
      }
      this.queries.push(url.searchParams);
      const since = /^gt(.+)$/.exec(url.searchParams.get("_lastUpdated") ?? "")?.[1];
      const found = this.reports.filter(({ report }) => !since || (report.meta as { lastUpdated: string }).lastUpdated > new Date(since).toISOString());
      const include = url.searchParams.get("_include") === "DiagnosticReport:result";
      const entry = found.flatMap(({ report, observations }) => [
        { fullUrl: `${this.baseUrl}/DiagnosticReport/${report.id}`, resource: report, search: { mode: "match" } },
        ...(include ? observations.map((o) => ({ fullUrl: `${this.baseUrl}/Observation/${o.id}`, resource: o, search: { mode: "include" } })) : []),
      ]);
      res.writeHead(200, { "content-type": "application/fhir+json" });
      res.end(JSON.stringify({ resourceType: "Bundle", type: "searchset", total: found.length, entry }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}
