/** What the OpenAPI test checks of a generated document, kept apart so it can be pointed at a throwaway app too. */

type Operation = { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> };
export type OpenApiDocument = { openapi: string; paths: Record<string, Record<string, Operation>> };

/** `GET /api/v1/x/:id` for the document's `get /api/v1/x/{id}`: the form Fastify registers routes in. */
const fastifyRoute = (method: string, path: string) => `${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ":$1")}`;

/** Every operation in the document, as `METHOD /url` in Fastify's form. */
export const documentedRoutes = (document: OpenApiDocument): string[] =>
  Object.entries(document.paths).flatMap(([path, operations]) => Object.keys(operations).filter((m) => m !== "head").map((m) => fastifyRoute(m, path)));

/**
 * Operations that answer something without saying what: a response with no schema for its body. Only an empty answer
 * (204, a redirect) may go without one. A route that declares no response at all gets @fastify/swagger's
 * `200: Default Response` without content, and fails here.
 */
export function routesWithoutResponseSchema(document: OpenApiDocument): string[] {
  const missing: string[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const responses = Object.entries(operation.responses ?? {});
      const described = responses.length > 0 && responses.every(([status, response]) =>
        /^(204|3\d\d)$/.test(status) || Object.values(response.content ?? {}).some((media) => media.schema !== undefined),
      );
      if (!described) missing.push(fastifyRoute(method, path));
    }
  }
  return missing;
}
