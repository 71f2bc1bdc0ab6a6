import { readFileSync } from "node:fs";
import { join } from "node:path";

const dir = join(import.meta.dirname, "..", "fixtures", "hl7");

/** An HL7 FHIR R4 example resource (see test/fixtures/hl7/README.md), as a fresh object each call. */
export const hl7 = (name: string): Record<string, unknown> => JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8"));
