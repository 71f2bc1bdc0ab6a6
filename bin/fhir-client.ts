import { readFileSync } from "node:fs";
import { ZodError } from "zod";
import { loadConfigOrExit } from "../core/config";
import { createPrisma } from "../core/db/prisma";
import { AppError } from "../core/errors";
import { FhirClients } from "../core/fhir/fhir-client-repository";
import { parsePublicKeys } from "../core/fhir/fhir-client-keys";
import { parseScope } from "../core/fhir/scopes";

/**
 * Registers the clinic's MIS (or another backend) as a FHIR client, as an admin does once per system.
 *   npm run fhir:client -- register <client_id> "<name>" <public key: JWKS .json or PEM> "<scopes>"
 *   npm run fhir:client -- keys <client_id> <public key file>      (key rotation)
 *   npm run fhir:client -- scopes <client_id> "<scopes>"
 *   npm run fhir:client -- disable <client_id>                     (its tokens stop at once)
 *   npm run fhir:client -- enable <client_id>
 *   npm run fhir:client -- list
 * A key file "-" is read from stdin: in Docker the api container cannot see the host's files, so
 *   docker compose exec -T api npm run --silent fhir:client -- register mis-main "MIS" - "system/*.read" < mis-public.pem
 */
const [command, id = "", ...rest] = process.argv.slice(2);
const usage = 'usage: npm run fhir:client -- register <client_id> "<name>" <key.pem|jwks.json|-> "system/*.read" | keys <client_id> <file|-> | scopes <client_id> "<scopes>" | disable|enable <client_id> | list\n';

const scopesFrom = (text = "") => {
  const scopes = text.split(/\s+/).filter(Boolean);
  const wrong = scopes.filter((scope) => parseScope(scope) === null);
  if (scopes.length === 0 || wrong.length) throw new AppError("validation", `scopes must look like system/*.read or system/Patient.rs (not: ${wrong.join(" ") || "none given"})`);
  return scopes;
};

/** "-" is stdin (fd 0). */
const readKeyFile = (file: string) => parsePublicKeys(readFileSync(file === "-" ? 0 : file, "utf8"));

const config = loadConfigOrExit();
const db = createPrisma(config.DATABASE_URL);
const clients = new FhirClients(db);
const show = (c: { id: string; name: string; scopes: string[]; jwks: { keys: unknown[] }; disabledAt: Date | null }) =>
  `${c.id}\t${c.name}\t${c.scopes.join(" ")}\t${c.jwks.keys.length} key(s)${c.disabledAt ? `\tdisabled ${c.disabledAt.toISOString()}` : ""}\n`;
try {
  if (command === "register" && id && rest.length === 3) {
    const [name, keyFile, scopes] = rest as [string, string, string];
    const client = await clients.register({ id, name, jwks: readKeyFile(keyFile), scopes: scopesFrom(scopes) });
    process.stdout.write(`registered ${show(client)}token endpoint: ${config.PUBLIC_URL.replace(/\/$/, "")}/fhir/R4/auth/token\n`);
  } else if (command === "keys" && id && rest.length === 1) {
    process.stdout.write(`updated ${show(await clients.update(id, { jwks: readKeyFile(rest[0]!) }))}`);
  } else if (command === "scopes" && id && rest.length === 1) {
    process.stdout.write(`updated ${show(await clients.update(id, { scopes: scopesFrom(rest[0]) }))}`);
  } else if (command === "disable" && id) {
    await clients.disable(id);
    process.stdout.write(`disabled ${id}\n`);
  } else if (command === "enable" && id) {
    process.stdout.write(`enabled ${show(await clients.update(id, { disabledAt: null }))}`);
  } else if (command === "list") {
    for (const client of await clients.list()) process.stdout.write(show(client));
  } else {
    process.stderr.write(usage);
    process.exitCode = 64;
  }
} catch (error) {
  // An admin's mistake (a private key, a bad scope, a taken id) is one line, not a stack trace.
  if (!(error instanceof AppError) && !(error instanceof ZodError) && !(error instanceof SyntaxError) && (error as { code?: string }).code !== "ENOENT") throw error;
  process.stderr.write(`fhir:client: ${(error as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await db.$disconnect();
}
