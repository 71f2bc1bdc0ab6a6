import type { FastifyInstance } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { AppError } from "../errors";

/** The HTTP edge of the error model: every failure answers `{ code, message }` with a fitting status. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    if (error instanceof AppError) {
      return reply.status(error.httpStatus).send({ code: error.code, message: error.message, details: error.details });
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      return reply.status(400).send({
        code: "validation",
        message: "request does not match the schema",
        details: error.validation.map((issue) => ({ path: issue.instancePath, message: issue.message })),
      });
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      return reply.status(status).send({ code: "validation", message: (error as Error).message });
    }
    request.log.error({ err: error }, "request failed");
    return reply.status(500).send({ code: "internal", message: "internal error" });
  });
  app.setNotFoundHandler((_request, reply) => reply.status(404).send({ code: "not_found", message: "no such route" }));
}
