import { execFile } from "node:child_process";
import { chownSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "./free-port";

const run = promisify(execFile);
const BIN = "/usr/lib/postgresql/15/bin";
/** initdb and postgres refuse to run as root: as root, run them as `nobody`. */
const NOBODY = 65534;

/**
 * A PostgreSQL server of the test's own, never the machine's shared one: fault tests stop it. Trust auth on
 * 127.0.0.1 and a socket in its own directory; fsync off, since its data is thrown away.
 */
export class PrivatePostgres {
  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(): Promise<PrivatePostgres> {
    const dir = mkdtempSync(join(tmpdir(), "telecons-pg-"));
    if (process.getuid?.() === 0) chownSync(dir, NOBODY, NOBODY);
    const server = new PrivatePostgres(await freePort(), dir);
    await server.exec("initdb", ["-D", join(dir, "data"), "-U", "postgres", "--auth=trust", "--no-sync"]);
    await server.restart();
    return server;
  }

  get adminUrl(): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/postgres`;
  }

  async restart(): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
    await this.exec("pg_ctl", ["-D", join(this.dir, "data"), "-o", options, "-l", join(this.dir, "log"), "-w", "start"]);
  }

  /** Stops at once, as a crash would (`-m immediate`): open connections break, in-flight transactions roll back. */
  async stop(): Promise<void> {
    await this.exec("pg_ctl", ["-D", join(this.dir, "data"), "-m", "immediate", "-w", "stop"]).catch(() => undefined);
  }

  async remove(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private exec(program: string, args: string[]) {
    const asNobody = process.getuid?.() === 0;
    return asNobody
      ? run("setpriv", ["--reuid", String(NOBODY), "--regid", String(NOBODY), "--clear-groups", join(BIN, program), ...args], { cwd: this.dir })
      : run(join(BIN, program), args, { cwd: this.dir });
  }
}
