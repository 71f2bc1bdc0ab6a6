import { randomUUID } from "node:crypto";
import SwaggerParser from "@apidevtools/swagger-parser";
import Fastify from "fastify";
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { z } from "zod";
import { registerOpenApiDocument } from "../core/http/openapi";
import { createStaff, launchChromium, loginConsole, staffPassword } from "./helpers/browser";
import { startHarness, type Harness } from "./helpers/harness";
import { documentedRoutes, routesWithoutResponseSchema, type OpenApiDocument } from "./helpers/openapi-check";
import { freshTotpCode } from "./helpers/totp";

let h: Harness;
let base = "";
let browser: Browser;
let bearer: Record<string, string>;

/** Routes that serve files, not an api: @fastify/static's and the viewer's own, hidden from the document. */
const fileRoutes = (route: string) => /^GET \/(console\/\*|docs(\/.*)?)$/.test(route);

beforeAll(async () => {
  h = await startHarness({}, { workers: false });
  base = await h.app.listen({ port: 0, host: "127.0.0.1" });
  const { apiToken } = await h.services.doctors.create({ name: "OpenAPI Reader", specialties: ["gp"], languages: ["ru"] });
  bearer = { authorization: `Bearer ${apiToken}` };
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

async function openApiDocument(): Promise<OpenApiDocument> {
  const response = await h.app.inject({ method: "GET", url: "/openapi.json", headers: bearer });
  expect(response.statusCode).toBe(200);
  return response.json();
}

describe("GET /openapi.json", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const document = await openApiDocument();
    expect(document.openapi).toBe("3.1.0");
    // The validator dereferences in place: it gets a copy.
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeTruthy();
  });

  it("lists every route the app registers, each with the schema of what it answers", async () => {
    const document = await openApiDocument();
    const documented = new Set(documentedRoutes(document));
    const registered = h.app.registeredRoutes.map((r) => `${r.method} ${r.url}`).filter((r) => !fileRoutes(r));
    expect(registered.length).toBeGreaterThan(100);
    expect(registered.filter((r) => !documented.has(r)), "routes missing from the document").toEqual([]);
    expect(routesWithoutResponseSchema(document), "routes without a response schema").toEqual([]);
  });

  it("flags a route that declares no response schema", async () => {
    const app = Fastify().withTypeProvider<ZodTypeProvider>();
    onTestFinished(() => app.close());
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    await registerOpenApiDocument(app);
    app.get("/declared", { schema: { response: { 200: z.object({ ok: z.boolean() }) } } }, async () => ({ ok: true }));
    app.post("/emptied", { schema: { response: { 204: z.undefined() } } }, async (_request, reply) => reply.status(204).send());
    app.get("/throwaway", async () => ({ ok: true }));
    await app.ready();
    expect(routesWithoutResponseSchema(app.swagger() as unknown as OpenApiDocument)).toEqual(["GET /throwaway"]);
  });

  it("serializes answers through their schemas: a repository row leaves with the documented fields only", async () => {
    const document = await openApiDocument();
    type Props = { properties?: Record<string, unknown>; items?: Props };
    const itemFields = (path: string, list: string) => {
      const schema = (document.paths[path]!.get!.responses!["200"]!.content!["application/json"]!.schema as Props).properties![list] as Props;
      return Object.keys(schema.items!.properties!).sort();
    };
    // A resolved lab delivery: its row also holds who resolved it and the order, which the review list does not show.
    await h.db.labReviewItem.create({ data: { labId: "openapi", reason: "no order", payload: { resourceType: "Bundle" }, resolvedAt: new Date(), resolvedBy: randomUUID(), orderId: randomUUID() } });
    const review = await h.app.inject({ method: "GET", url: "/api/v1/labs/review?all=true", headers: bearer });
    expect(review.statusCode).toBe(200);
    const items: Array<Record<string, unknown>> = review.json().items;
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) expect(Object.keys(item).sort()).toEqual(itemFields("/api/v1/labs/review", "items"));
    expect(items[0]).not.toHaveProperty("resolvedBy");

    // The audit log, as an admin reads it: the rows' columns, never `seq` (a BigInt) or anything added to the table later.
    const admin = await createStaff(h, "openapi-admin", "admin");
    const login = await h.app.inject({ method: "POST", url: "/api/v1/auth/login", payload: { email: admin.email, password: staffPassword, code: await freshTotpCode(admin.secret) } });
    expect(login.statusCode).toBe(200);
    const cookie = String(login.headers["set-cookie"]).split(";")[0]!;
    const audit = await h.app.inject({ method: "GET", url: "/api/v1/audit?limit=20", headers: { cookie } });
    expect(audit.statusCode).toBe(200);
    const events: Array<Record<string, unknown>> = audit.json().events;
    expect(events.length).toBeGreaterThan(0);
    for (const event of events) expect(Object.keys(event).sort()).toEqual(itemFields("/api/v1/audit", "events"));
  });

  it("refuses callers without a staff session or a doctor's token", async () => {
    for (const url of ["/openapi.json", "/docs", "/docs/json", "/docs/static/swagger-ui-bundle.js"]) {
      expect((await h.app.inject({ method: "GET", url })).statusCode, url).toBe(401);
      expect((await h.app.inject({ method: "GET", url, headers: { authorization: "Bearer not-a-token" } })).statusCode, url).toBe(401);
    }
  });
});

describe("GET /docs", () => {
  it("shows the api in Chromium to a signed-in member of staff, every asset from the service under its CSP", async () => {
    const context = await browser.newContext();
    onTestFinished(() => context.close());
    const foreign: string[] = [];
    const refused: string[] = [];
    context.on("request", (request) => {
      if (!request.url().startsWith(base) && !request.url().startsWith("data:")) foreign.push(request.url());
    });
    const page = await loginConsole(context, base, await createStaff(h, "openapi-operator", "operator"));
    page.on("console", (message) => {
      if (/Content Security Policy|Refused to/.test(message.text())) refused.push(message.text());
    });
    await context.exposeBinding("reportCsp", (_s, t: string) => void refused.push(t));
    await context.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (e) => {
        void (window as unknown as { reportCsp(t: string): void }).reportCsp(`${e.effectiveDirective} ${e.blockedURI} (${e.sourceFile}:${e.lineNumber}:${e.columnNumber} ${e.sample})`);
      });
    });
    const docs = await page.goto(`${base}/docs`);
    expect(docs?.status()).toBe(200);
    await page.waitForSelector(".swagger-ui .opblock-summary-path");
    expect(await page.locator(".swagger-ui .info .title").innerText()).toContain("Telecons api");
    await page.waitForSelector(`.opblock-summary-path[data-path="/healthz"]`);
    // Swagger UI lists the operations a batch at a time, as the page scrolls.
    const listed = await page.locator(".opblock-summary-path").count();
    await page.mouse.wheel(0, 20_000);
    await expect.poll(() => page.locator(".opblock-summary-path").count()).toBeGreaterThan(listed);
    expect(foreign).toEqual([]);
    expect(refused).toEqual([]);
  });

  it("is refused to a browser without a staff session", async () => {
    const context = await browser.newContext();
    onTestFinished(() => context.close());
    const page = await context.newPage();
    const response = await page.goto(`${base}/docs`);
    expect(response?.status()).toBe(401);
    expect(await page.locator(".swagger-ui").count()).toBe(0);
  });
});
