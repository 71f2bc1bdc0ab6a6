import { mkdtempSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { DevelopmentSmsProvider, HttpSmsProvider, SmsNotSent, SmsRuProvider } from "./sms";

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

/** A stand-in of SMS.ru's `POST /sms/send` (form fields in, JSON out, as its documentation shows). */
async function smsRu(answer: (form: URLSearchParams) => unknown) {
  const received: URLSearchParams[] = [];
  const server = createServer(async (req: IncomingMessage, res) => {
    let raw = "";
    for await (const chunk of req) raw += chunk;
    const form = new URLSearchParams(raw);
    received.push(form);
    res.writeHead(req.url === "/sms/send" ? 200 : 404, { "content-type": "application/json" }).end(JSON.stringify(answer(form)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  onTestFinished(() => void server.close());
  return { root: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

describe("SMS providers", () => {
  it("sends through SMS.ru: api_id, the number in digits, the text, json=1 and the sender name", async () => {
    const stand = await smsRu((form) => ({
      status: "OK",
      status_code: 100,
      sms: { [form.get("to")!]: { status: "OK", status_code: 100, sms_id: "000000-10000000" } },
      balance: 4122.56,
    }));
    await new SmsRuProvider({ apiRoot: stand.root, apiId: "api-id-0123456789", from: "Clinic" }).send("+79991234567", "Код: 123456");
    expect(stand.received.map((form) => Object.fromEntries(form))).toEqual([
      { api_id: "api-id-0123456789", to: "79991234567", msg: "Код: 123456", json: "1", from: "Clinic" },
    ]);
  });

  it("surfaces SMS.ru's refusals, for the request and for the number, without the text", async () => {
    const refused = async (answer: unknown) => {
      const stand = await smsRu(() => answer);
      return new SmsRuProvider({ apiRoot: stand.root, apiId: "api-id-0123456789" }).send("+79991234567", "Код: 654321").catch((e: unknown) => e);
    };
    const wrongKey = await refused({ status: "ERROR", status_code: 200, status_text: "Неправильный api_id" });
    expect(wrongKey).toBeInstanceOf(SmsNotSent);
    expect((wrongKey as SmsNotSent).reason).toBe("SMS.ru 200 Неправильный api_id");
    const number = await refused({
      status: "OK",
      status_code: 100,
      sms: { "79991234567": { status: "ERROR", status_code: 207, status_text: "На этот номер нельзя отправлять сообщения" } },
    });
    expect((number as SmsNotSent).reason).toBe("SMS.ru 207 На этот номер нельзя отправлять сообщения");
    expect(String((number as Error).message)).not.toContain("654321");
    expect(await refused("<html>maintenance</html>")).toBeInstanceOf(SmsNotSent);
  });

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
    expect(error).toBeInstanceOf(SmsNotSent);
    expect((error as SmsNotSent).reason).toBe("gateway answered 503");
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
