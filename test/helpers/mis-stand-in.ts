import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface TransactionEntry {
  fullUrl: string;
  resource: { resourceType: string } & Record<string, unknown>;
  request: { method: string; url: string; ifNoneExist?: string };
}
export interface TransactionBundle {
  resourceType: string;
  type: string;
  entry: TransactionEntry[];
}

/**
 * A clinic MIS's FHIR R4 endpoint, as small as the push needs: `POST /fhir` takes a transaction Bundle with the
 * bearer token it was given and answers a transaction-response. Conditional creates (`ifNoneExist`) and conditional
 * updates are kept by their identifier search, as a real server would: a repeated Bundle creates nothing new.
 * `failNext(n)` answers the next n requests 503; `refuseNext(n, status)` with a 4xx OperationOutcome.
 */
export class MisStandIn {
  private server?: Server;
  readonly token = `mis-token-${randomUUID()}`;
  /** Every request that reached it, failed ones too. */
  readonly requests: Array<{ authorization?: string; contentType?: string; status: number }> = [];
  /** The Bundles it took (answered 200). */
  readonly accepted: TransactionBundle[] = [];
  /** What it holds: `<type>?<identifier search>` → the MIS's own id (a repeated create finds the first). */
  readonly stored = new Map<string, string>();
  private failing: Array<{ status: number; body: unknown }> = [];

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/fhir`;
  }

  failNext(count: number, status = 503) {
    for (let i = 0; i < count; i++) this.failing.push({ status, body: outcome("transient", "the MIS is being updated, try later") });
  }

  refuseNext(count: number, status = 400) {
    for (let i = 0; i < count; i++) this.failing.push({ status, body: outcome("invalid", "Composition.subject: unknown patient") });
  }

  /** Stops failing (what failNext/refuseNext queued and was not used). */
  recover() {
    this.failing = [];
  }

  /** The taken Bundles whose Composition has this identifier value (`<consultation number>/v<version>`). */
  bundlesFor(compositionIdentifier: string): TransactionBundle[] {
    return this.accepted.filter((b) => b.entry.some((e) => e.resource.resourceType === "Composition" && (e.resource.identifier as { value: string }).value === compositionIdentifier));
  }

  async start(): Promise<this> {
    this.server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const answer = (status: number, body: unknown) => {
        this.requests.push({ authorization: req.headers.authorization, contentType: req.headers["content-type"], status });
        res.writeHead(status, { "content-type": "application/fhir+json" }).end(JSON.stringify(body));
      };
      if (req.method !== "POST" || req.url !== "/fhir") return answer(404, outcome("not-found", "POST the transaction to the base"));
      if (req.headers.authorization !== `Bearer ${this.token}`) return answer(401, outcome("login", "bad token"));
      const failure = this.failing.shift();
      if (failure) return answer(failure.status, failure.body);
      const bundle = JSON.parse(Buffer.concat(chunks).toString("utf8")) as TransactionBundle;
      if (bundle.resourceType !== "Bundle" || bundle.type !== "transaction") return answer(400, outcome("invalid", "a transaction Bundle is expected"));
      const responses = bundle.entry.map((entry) => this.write(entry));
      this.accepted.push(bundle);
      answer(200, { resourceType: "Bundle", type: "transaction-response", entry: responses.map((response) => ({ response })) });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return this;
  }

  private write(entry: TransactionEntry) {
    const { method, url, ifNoneExist } = entry.request;
    const type = entry.resource.resourceType;
    const key = method === "PUT" ? url : `${type}?${ifNoneExist}`;
    const existing = this.stored.get(key);
    const id = existing ?? randomUUID();
    this.stored.set(key, id);
    return { status: existing ? "200 OK" : "201 Created", location: `${type}/${id}/_history/1` };
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

const outcome = (code: string, diagnostics: string) => ({ resourceType: "OperationOutcome", issue: [{ severity: "error", code, diagnostics }] });
