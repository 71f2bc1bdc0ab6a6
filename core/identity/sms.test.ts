import { mkdtempSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { DevelopmentSmsProvider, HttpSmsProvider } from "./sms";

/** A stand-in SMS gateway: records what it receives and answers `status`. */
async function gateway(status = 200) {
  const received: Array<{ authorization?: string; contentType?: string; body: unknown }> = [];
  const server = createServer(async (req: IncomingMessage, res) => {
    let raw = "";
    for await (const chunk of req) raw += chunk;
    received.push({ authorization: req.headers.authorization, contentType: req.headers["content-type"], body: JSON.parse(raw) });
    res.writeHead(status, { "content-type": "application/json" }).end('{"id":"m1"}');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  onTestFinished(() => void server.close());
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/send`, received };
}

describe("SMS providers", () => {
  it("posts {to, text} with the bearer token to an HTTP gateway", async () => {
    const stand = await gateway();
    await new HttpSmsProvider({ url: stand.url, token: "gateway-token-123" }).send("+79991234567", "Код: 123456");
    expect(stand.received).toEqual([
      { authorization: "Bearer gateway-token-123", contentType: "application/json", body: { to: "+79991234567", text: "Код: 123456" } },
    ]);
  });

  it("fails on a gateway error without putting the text in the error", async () => {
    const stand = await gateway(503);
    const error = await new HttpSmsProvider({ url: stand.url, token: "gateway-token-123" }).send("+79991234567", "Код: 654321").catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe("SMS gateway answered 503");
  });

  it("in development writes the text to a file and logs only that a code went out", async () => {
    const logged: unknown[] = [];
    const file = join(mkdtempSync(join(tmpdir(), "sms-")), "outbox.txt");
    const sms = new DevelopmentSmsProvider({ warn: (...args: unknown[]) => void logged.push(args) }, file);
    await sms.send("+79991234567", "Код: 112233");
    expect(readFileSync(file, "utf8")).toMatch(/ \+79991234567 Код: 112233\n$/);
    expect(JSON.stringify(logged)).not.toContain("112233");
    expect(JSON.stringify(logged)).toContain('"phoneTail":"67"');
    expect(sms.sent.at(-1)).toEqual({ phone: "+79991234567", text: "Код: 112233" });
  });
});
