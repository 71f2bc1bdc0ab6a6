import { AnalyticsService } from "../../core/analytics/analytics-service";
import { FhirClients } from "../../core/fhir/fhir-client-repository";
import { FhirExport } from "../../core/fhir/fhir-export";
import { SmartAuth } from "../../core/fhir/smart-auth";
import type { Foundation } from "./foundation";

/** What the clinic reads out of Telecons: the FHIR R4 api for its MIS (issue 20) and the admin's analytics (issue 19). */
export function reportingWiring({ config, db, files }: Foundation) {
  const baseUrl = `${config.PUBLIC_URL.replace(/\/$/, "")}/fhir/R4`;
  const auth = new SmartAuth(db, new FhirClients(db), { tokenUrl: `${baseUrl}/auth/token`, tokenTtlSeconds: config.FHIR_ACCESS_TOKEN_TTL_SECONDS });
  return {
    fhir: { auth, fhir: new FhirExport(db, files, { baseUrl, clinicName: config.CLINIC_NAME }), baseUrl },
    analytics: new AnalyticsService(db),
  };
}
