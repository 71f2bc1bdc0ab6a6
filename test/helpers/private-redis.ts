import { execFile, spawn, type ChildProcess } from "node:child_process";
import { promisify } from "node:util";
import { freePort } from "./free-port";

const run = promisify(execFile);

/**
 * A Redis server of the test's own, never the machine's shared one: fault tests stop it. No persistence,
 * so a restart comes back empty, as a Redis without AOF/RDB (or a failover to an empty replica) does.
 */
export class PrivateRedis {
  private child?: ChildProcess;
  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort());
    await redis.restart();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server on its port and waits until it answers PING. */
  async restart(): Promise<void> {
    this.child = spawn("redis-server", ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
      stdio: "ignore",
    });
    const until = Date.now() + 10_000;
    for (;;) {
      const pong = await run("redis-cli", ["-p", String(this.port), "ping"]).then(
        (r) => r.stdout.trim(),
        () => "",
      );
      if (pong === "PONG") return;
      if (Date.now() > until) throw new Error(`private redis on ${this.port} did not start`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Stops the server and loses its data (SHUTDOWN NOSAVE); waits until the process is gone. */
  async stopLosingData(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    await run("redis-cli", ["-p", String(this.port), "shutdown", "nosave"]).catch(() => undefined);
    await exited;
  }

  /** Ends the server's process (the one this object started) by its pid. */
  kill(): void {
    if (this.child && this.child.exitCode === null) this.child.kill("SIGKILL");
  }
}
