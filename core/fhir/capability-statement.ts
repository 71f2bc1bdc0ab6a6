import type { FhirResource } from "./fhir-resources";
import { searchParameters } from "./search-params";
import { ASSERTION_ALGORITHMS } from "./smart-auth";
import { fhirResourceTypes } from "./scopes";

const searchParamTypes: Record<string, string> = { patient: "reference", date: "date", _id: "token" };

/** What the server does, for `GET /fhir/R4/metadata` (open: it holds no patient data). */
export function capabilityStatement(baseUrl: string, tokenUrl: string): FhirResource {
  return {
    resourceType: "CapabilityStatement",
    id: "telecons-fhir-export",
    status: "active",
    date: "2026-11-30",
    publisher: "Telecons",
    kind: "instance",
    software: { name: "Telecons FHIR export" },
    implementation: { description: "Read-only FHIR R4 export of the teleconsultation record for the clinic's MIS", url: baseUrl },
    fhirVersion: "4.0.1",
    format: ["json"],
    rest: [
      {
        mode: "server",
        security: {
          extension: [
            {
              url: "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris",
              extension: [{ url: "token", valueUri: tokenUrl }],
            },
          ],
          service: [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/restful-security-service", code: "SMART-on-FHIR" }] }],
          description: `SMART Backend Services: client_credentials with a ${ASSERTION_ALGORITHMS.join("/")} client assertion; scopes system/<Type>.read (or .rs)`,
        },
        resource: fhirResourceTypes.map((type) =>
          type === "Binary"
            ? { type, interaction: [{ code: "read" }] }
            : {
                type,
                interaction: [{ code: "read" }, { code: "search-type" }],
                searchParam: [...searchParameters[type], "_lastUpdated"].map((name) => ({ name, type: searchParamTypes[name] ?? "date" })),
                ...(type === "Patient" ? { operation: [{ name: "everything", definition: "http://hl7.org/fhir/OperationDefinition/Patient-everything" }] } : {}),
              },
        ),
      },
    ],
  };
}
