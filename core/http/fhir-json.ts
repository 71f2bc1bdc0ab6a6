import type { FastifyInstance } from "fastify";

/** FHIR clients send `application/fhir+json`: parsed as JSON, and malformed JSON answers 400. */
export function acceptFhirJson(scope: FastifyInstance): void {
  if (scope.hasContentTypeParser("application/fhir+json")) return;
  scope.addContentTypeParser("application/fhir+json", { parseAs: "string" }, (_request, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch (error) {
      (error as { statusCode?: number }).statusCode = 400;
      done(error as Error, undefined);
    }
  });
}
