import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors, type ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { AppError } from "../../errors";
import { capabilityStatement } from "../../fhir/capability-statement";
import { operationOutcome, searchsetBundle } from "../../fhir/fhir-bundle";
import type { FhirExport, SearchableType } from "../../fhir/fhir-export";
import { fhirResourceTypes } from "../../fhir/scopes";
import { ASSERTION_ALGORITHMS, OAuthError, type SmartAuth } from "../../fhir/smart-auth";
import { acceptFhirJson } from "../fhir-json";
import { binary } from "../responses";
import { perMinute } from "../rate-limit";

export interface FhirRouteDeps {
  auth: SmartAuth;
  fhir: FhirExport;
  /** `<PUBLIC_URL>/fhir/R4` */
  baseUrl: string;
}

export const FHIR_PREFIX = "/fhir/R4";
const FHIR_JSON = "application/fhir+json; charset=utf-8";
const searchable = fhirResourceTypes.filter((type): type is SearchableType => type !== "Binary");
type Query = Record<string, string | string[] | undefined>;
// FHIR resources and Bundles have no zod schema here: their shape is HL7's R4 JSON schema, checked in the tests
// (test/fhir-export.e2e.test.ts). The document names them by resourceType and passes them on whole.
const resource = z.looseObject({ resourceType: z.string() });
const fhirResource = (description: string) => ({ description, content: { "application/fhir+json": { schema: resource } } });
const binaryResponse = {
  description: "The PDF, or a Binary resource when the client accepts FHIR JSON",
  content: { "application/pdf": { schema: binary }, "application/fhir+json": { schema: resource } },
};
const tokenResponseSchema = z.object({ access_token: z.string(), token_type: z.literal("bearer"), expires_in: z.number(), scope: z.string() });
const smartConfigurationSchema = z.object({
  token_endpoint: z.string(),
  token_endpoint_auth_methods_supported: z.array(z.string()),
  token_endpoint_auth_signing_alg_values_supported: z.array(z.string()),
  grant_types_supported: z.array(z.string()),
  scopes_supported: z.array(z.string()),
  capabilities: z.array(z.string()),
});

/**
 * The FHIR R4 read api for the clinic's MIS, under /fhir/R4: its own bearer tokens (SMART Backend Services), not
 * staff sessions. Errors answer as OperationOutcome; the token endpoint answers as OAuth 2.0 does.
 */
export const fhirRoutes = (deps: FhirRouteDeps, limits: { tokensPerMinute: number }) => async (scope: FastifyInstance) => {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const tokenUrl = `${deps.baseUrl}/auth/token`;
  acceptFhirJson(app);
  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_request, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );
  app.setErrorHandler((error, request, reply) => {
    if (error instanceof OAuthError) return reply.status(error.httpStatus).send({ error: error.error, error_description: error.message });
    const status = error instanceof AppError ? error.httpStatus : hasZodFastifySchemaValidationErrors(error) ? 400 : ((error as { statusCode?: number }).statusCode ?? 500);
    if (status >= 500) request.log.error({ err: error }, "fhir request failed");
    if (status === 401) reply.header("www-authenticate", 'Bearer realm="fhir"');
    return reply.status(status).type(FHIR_JSON).send(operationOutcome(status, status >= 500 ? "internal error" : (error as Error).message));
  });
  app.setNotFoundHandler((request, reply) => reply.status(404).type(FHIR_JSON).send(operationOutcome(404, `no such FHIR endpoint: ${request.method} ${request.url}`)));

  const fhirJson = (reply: FastifyReply, body: unknown) => reply.type(FHIR_JSON).send(body);
  const access = (request: FastifyRequest) => deps.auth.authenticate(request.headers.authorization);
  const typeOf = (type: string) => {
    if (!(searchable as string[]).includes(type)) throw new AppError("not_found", `resource type ${type} is not served here`);
    return type as SearchableType;
  };

  app.get("/metadata", { schema: { response: { 200: fhirResource("The CapabilityStatement") } } }, async (_request, reply) => fhirJson(reply, capabilityStatement(deps.baseUrl, tokenUrl)));
  app.get("/.well-known/smart-configuration", { schema: { response: { 200: smartConfigurationSchema } } }, async () => ({
    token_endpoint: tokenUrl,
    token_endpoint_auth_methods_supported: ["private_key_jwt"],
    token_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGORITHMS,
    grant_types_supported: ["client_credentials"],
    scopes_supported: ["system/*.read", "system/*.rs", ...fhirResourceTypes.map((type) => `system/${type}.read`)],
    capabilities: ["client-confidential-asymmetric", "permission-v1", "permission-v2"],
  }));
  // Like the staff login: each request checks a signature and writes a used `jti`, so a flood costs us, not the caller.
  const tokenLimit = perMinute(limits.tokensPerMinute, (request) => `fhir-token:${request.ip}`);
  app.post("/auth/token", { schema: { body: z.record(z.string(), z.string()), response: { 200: tokenResponseSchema } }, config: { rateLimit: tokenLimit } }, async (request, reply) =>
    // Tokens must not be cached by anything between the MIS and us (RFC 6749 §5.1).
    reply.header("cache-control", "no-store").send(await deps.auth.issueToken(request.body)),
  );

  app.get("/Binary/:id", { schema: { params: z.object({ id: z.uuid() }), response: { 200: binaryResponse } } }, async (request, reply) => {
    const file = await deps.fhir.binary(await access(request), request.params.id);
    // The PDF itself unless the client asks for FHIR JSON (FHIR's rule for Binary).
    if (/application\/(fhir\+)?json/.test(request.headers.accept ?? "")) {
      return fhirJson(reply, { resourceType: "Binary", id: file.id, contentType: file.mimeType, data: file.bytes.toString("base64") });
    }
    return reply.type(file.mimeType).header("content-disposition", `attachment; filename="${file.fileName}"`).send(file.bytes);
  });
  app.get("/Patient/:id/$everything", { schema: { params: z.object({ id: z.uuid() }), response: { 200: fhirResource("A searchset Bundle") } } }, async (request, reply) => {
    const query = request.query as Query;
    const result = await deps.fhir.everything(await access(request), request.params.id, query);
    return fhirJson(reply, searchsetBundle(deps.baseUrl, `/Patient/${request.params.id}/$everything`, query, result));
  });
  app.get("/:type", { schema: { params: z.object({ type: z.string() }), response: { 200: fhirResource("A searchset Bundle") } } }, async (request, reply) => {
    const type = typeOf(request.params.type);
    const query = request.query as Query;
    const result = await deps.fhir.search(await access(request), type, query);
    return fhirJson(reply, searchsetBundle(deps.baseUrl, `/${type}`, query, result));
  });
  app.get("/:type/:id", { schema: { params: z.object({ type: z.string(), id: z.string() }), response: { 200: fhirResource("The resource") } } }, async (request, reply) => {
    const type = typeOf(request.params.type);
    const granted = await access(request);
    if (!/^[0-9a-f-]{36}$/i.test(request.params.id)) throw new AppError("not_found", `${type}/${request.params.id} not found`);
    return fhirJson(reply, await deps.fhir.read(granted, type, request.params.id));
  });
};
