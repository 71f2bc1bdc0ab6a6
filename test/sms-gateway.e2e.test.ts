import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "./helpers/harness";

/**
 * Phone confirmation through SMS.ru (`SMS_PROVIDER=smsru`) against a stand-in of its `POST /sms/send`: a refusal
 * reaches the patient in their language at once, the void code does not throttle the next try, and the code the
 * gateway carried confirms the number.
 */
let h: Harness;
const gateway = { refuseNext: true, messages: [] as URLSearchParams[] };
const server = createServer(async (req, res) => {
  let raw = "";
  for await (const chunk of req) raw += chunk;
  const form = new URLSearchParams(raw);
  gateway.messages.push(form);
  const to = form.get("to")!;
  const refused = gateway.refuseNext;
  gateway.refuseNext = false;
  const perNumber = refused
    ? { status: "ERROR", status_code: 207, status_text: "На этот номер нельзя отправлять сообщения" }
    : { status: "OK", status_code: 100, sms_id: "000000-10000001" };
  res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: "OK", status_code: 100, sms: { [to]: perNumber } }));
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  h = await startHarness({ SMS_PROVIDER: "smsru", SMS_RU_API_ID: "api-id-0123456789", SMS_RU_API_ROOT: root });
});

afterAll(async () => {
  await h?.close();
  server.close();
});

type User = { id: number; languageCode?: string };
const texts = (user: User) => h.telegram.sent(user.id).map((c) => String(c.params.text));
async function say(user: User, text: string) {
  await h.say(user, text);
  const where = { account: { channel: "telegram" as const, externalUserId: String(user.id) } };
  await expect.poll(async () => texts(user).length === (await h.db.outboxMessage.count({ where })), { timeout: 10_000, interval: 30 }).toBe(true);
}

describe("phone codes through SMS.ru", () => {
  it("tells the patient when the gateway refuses, lets them ask again at once, and confirms with the code it carried", async () => {
    const user = h.newPatient("en");
    await h.onboard(user);
    await say(user, "/phone");
    await say(user, "+7 999 765-43-21");
    expect(texts(user).at(-1)).toBe("We could not send the SMS with the code. Check the number and send /phone again a little later.");

    await say(user, "/phone");
    await say(user, "+7 999 765-43-21");
    expect(texts(user).at(-1)).toBe("We have sent a 6-digit code to the number ending in 21. Send it here.");
    const sent = gateway.messages.at(-1)!;
    expect([sent.get("api_id"), sent.get("to"), sent.get("json")]).toEqual(["api-id-0123456789", "79997654321", "1"]);
    await say(user, /(\d{6})/.exec(sent.get("msg")!)![1]!);
    expect(texts(user).at(-1)).toBe("Thank you, your phone number is confirmed.");
  });
});
