import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { jsonSchemaTransform, type ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { DoctorDirectory } from "../doctors/doctor-directory";
import type { StaffService } from "../staff/staff-service";
import { requireStaff } from "./staff-auth";

export const OPENAPI_URL = "/openapi.json";
export const DOCS_PREFIX = "/docs";

/**
 * Collects every route's zod schemas into one OpenAPI 3.1 document (3.1: JSON Schema as zod emits it, `null` included).
 * Registered before any route: @fastify/swagger learns the routes from its onRoute hook.
 */
export async function registerOpenApiDocument(app: FastifyInstance): Promise<void> {
  const { version } = JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "package.json"), "utf8")) as { version: string };
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: { title: "Telecons api", version, description: "Every route of the api, its request and response schemas (README \"OpenAPI\")." },
    },
    transform: jsonSchemaTransform,
  });
}

/**
 * `GET /openapi.json` and the Swagger UI viewer at `/docs`: staff only (a session or a doctor's bearer token), as the
 * console api they describe; its assets come from the package, nothing from a CDN, under the strict CSP. The viewer
 * only reads: "Try it out" is off, so no request leaves it with the staff cookie. BaseLayout leaves out the top bar,
 * whose logo carries an inline <style> the CSP refuses.
 */
export const openApiRoutes = (deps: { staff: StaffService; doctors: DoctorDirectory }) => async (scope: FastifyInstance) => {
  requireStaff(scope, deps);
  const app = scope.withTypeProvider<ZodTypeProvider>();
  app.get(
    OPENAPI_URL,
    { schema: { response: { 200: z.looseObject({ openapi: z.string(), paths: z.record(z.string(), z.unknown()) }).describe("This OpenAPI 3.1 document") } } },
    async (_request, reply) => reply.header("cache-control", "no-store").send(app.swagger() as { openapi: string; paths: Record<string, unknown> }),
  );
  await scope.register(swaggerUi, { routePrefix: DOCS_PREFIX, uiConfig: { supportedSubmitMethods: [], layout: "BaseLayout" } });
};
