import { spawn, type ChildProcess } from "node:child_process";

/** Starts `script` (a .ts file) with tsx and `env` added; resolves once it prints `marker`. */
export function startChild(script: string, env: Record<string, string>, marker = "ready"): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", script], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes(marker)) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}
