import type { FhirResource } from "./fhir-resources";

/** A delivery the MIS refused or could not take; `permanent` when trying the same Bundle again cannot help. */
export class MisPushError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    /** The MIS's HTTP status, when it answered. */
    readonly status?: number,
  ) {
    super(message);
    this.name = "MisPushError";
  }
}

/** The port to the clinic's MIS: one transaction Bundle per call, answered by a transaction-response. */
export interface MisClient {
  send(bundle: FhirResource): Promise<void>;
}

const TIMEOUT_MS = 60_000;

/** What the MIS said, short: an OperationOutcome's diagnostics, else the start of the body. */
async function reason(response: Response): Promise<string> {
  const text = await response.text().catch(() => "");
  try {
    const outcome = JSON.parse(text) as { issue?: Array<{ diagnostics?: string; code?: string }> };
    const said = outcome.issue?.map((i) => i.diagnostics ?? i.code).filter(Boolean).join("; ");
    if (said) return said;
  } catch {
    // not JSON: the text itself
  }
  return text.slice(0, 300);
}

/**
 * POSTs the transaction to the MIS's FHIR base with the bearer token the MIS issued (MIS_BEARER_TOKEN). A 4xx other
 * than 408/429 is the MIS refusing this Bundle or our token: retrying it unchanged cannot help, an admin must look.
 */
export class HttpMisClient implements MisClient {
  constructor(
    private readonly baseUrl: string,
    private readonly bearerToken: string,
    private readonly doFetch: typeof fetch = fetch,
  ) {}

  async send(bundle: FhirResource): Promise<void> {
    let response: Response;
    try {
      response = await this.doFetch(this.baseUrl.replace(/\/$/, ""), {
        method: "POST",
        headers: { "content-type": "application/fhir+json", accept: "application/fhir+json", authorization: `Bearer ${this.bearerToken}` },
        body: JSON.stringify(bundle),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      throw new MisPushError(`MIS not reached: ${error instanceof Error ? error.message : String(error)}`, false);
    }
    if (!response.ok) {
      const permanent = response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429;
      throw new MisPushError(`MIS answered ${response.status}: ${await reason(response)}`, permanent, response.status);
    }
    const answer = (await response.json().catch(() => null)) as { resourceType?: string; type?: string } | null;
    if (answer?.resourceType !== "Bundle" || answer.type !== "transaction-response") {
      throw new MisPushError(`MIS answered ${response.status} without a transaction-response Bundle`, false, response.status);
    }
  }
}
