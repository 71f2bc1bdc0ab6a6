import { MaxError } from "@maxhub/max-bot-api";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../core/config";
import { textParts, toChannelError } from "./max-channel";
import { maxToIncomingEvent, parseMaxUpdate } from "./max-update";

const user = { user_id: 7, first_name: "Ада", name: "Ада", username: null, is_bot: false, last_activity_time: 0 };
const recipient = { chat_id: 70, chat_type: "dialog", user_id: 1 };
const created = (body: Record<string, unknown>, locale?: string) => ({
  update_type: "message_created",
  timestamp: 1,
  message: { sender: user, recipient, timestamp: 1, body: { mid: "mid.abc", seq: 1, text: "", ...body } },
  ...(locale ? { user_locale: locale } : {}),
});

describe("MAX updates as channel-neutral events", () => {
  it("turns /commands into commands and other text into text, with MAX's locale as the language hint", () => {
    expect(maxToIncomingEvent(created({ text: "/link 123 456" }, "en-US"))).toEqual({
      eventId: "max-mid.abc",
      sender: { channel: "max", externalUserId: "7", chatId: "70", languageCode: "en-US" },
      content: { kind: "command", command: "link", args: "123 456" },
    });
    expect(maxToIncomingEvent(created({ text: "болит" }))?.content).toEqual({ kind: "text", text: "болит" });
  });

  it("takes a callback's payload as our button, and the Start button as /start", () => {
    const callback = { update_type: "message_callback", timestamp: 2, callback: { timestamp: 2, callback_id: "cb:1/2", payload: "consent:remote_care:yes", user }, message: { recipient } };
    expect(maxToIncomingEvent(callback)).toMatchObject({ eventId: "max-cb-cb_1_2", content: { kind: "button", data: "consent:remote_care:yes" } });
    expect(parseMaxUpdate(callback)).toEqual({ kind: "event", id: "max-cb-cb_1_2", chatKey: "max:70" });
    const started = { update_type: "bot_started", timestamp: 3, chat_id: 70, user, user_locale: "ru" };
    expect(maxToIncomingEvent(started)).toMatchObject({ eventId: "max-start-70-3", content: { kind: "command", command: "start", args: "" } });
  });

  it("offers an image or a file as a file, with the file's declared size and name", () => {
    const file = { type: "file", payload: { url: "https://max.test/f", token: "t" }, filename: "scan.pdf", size: 12 };
    expect(maxToIncomingEvent(created({ text: "анализы", attachments: [file] }))?.content).toMatchObject({
      kind: "file",
      caption: "анализы",
      file: { kind: "document", fileName: "scan.pdf", declaredSize: 12 },
    });
    const image = { type: "image", payload: { url: "https://max.test/i", token: "t", photo_id: 1 } };
    expect(maxToIncomingEvent(created({ text: null, attachments: [image] }))?.content).toMatchObject({ kind: "file", file: { kind: "photo" } });
    expect(maxToIncomingEvent(created({ text: null, attachments: [{ type: "sticker", payload: {} }] }))?.content).toEqual({ kind: "unsupported" });
  });

  it("ignores group chats and other update types, and calls an update of the wrong shape malformed", () => {
    expect(parseMaxUpdate({ ...created({ text: "hi" }), message: { ...created({}).message, recipient: { ...recipient, chat_type: "chat" } } })).toEqual({ kind: "ignored" });
    expect(parseMaxUpdate({ update_type: "message_edited", timestamp: 1 })).toEqual({ kind: "ignored" });
    expect(parseMaxUpdate({ ...created({ text: "hi" }), message: { ...created({}).message, sender: { user_id: "7" } } })).toMatchObject({ kind: "malformed", reason: expect.stringContaining("message.sender.user_id") });
    expect(parseMaxUpdate({ update_type: "message_callback", timestamp: 1, callback: { callback_id: "x", user } })).toMatchObject({ kind: "malformed", reason: expect.stringContaining("message") });
    expect(parseMaxUpdate("not an update")).toMatchObject({ kind: "malformed" });
  });
});

describe("MAX sending", () => {
  it("splits text past MAX's 4000 characters at a line break", () => {
    expect(textParts("short")).toEqual(["short"]);
    const long = `${"а".repeat(3000)}\n${"б".repeat(3000)}`;
    expect(textParts(long)).toEqual(["а".repeat(3000), "б".repeat(3000)]);
    expect(textParts("в".repeat(9000)).map((p) => p.length)).toEqual([4000, 4000, 1000]);
  });

  it("classifies MAX's answers for the outbox: wait, stop for this patient, retry, or give up", () => {
    const error = (status: number) => toChannelError(new MaxError(status, { code: "x", message: "y" }));
    expect(error(429)).toMatchObject({ reason: "rate_limited", retryAfterMs: 1000 });
    expect(error(403).reason).toBe("unreachable");
    expect(error(404).reason).toBe("unreachable");
    expect(error(502).reason).toBe("transient");
    expect(error(400).reason).toBe("rejected");
    expect(toChannelError(new TypeError("fetch failed")).reason).toBe("transient");
  });
});

describe("MAX configuration", () => {
  it("requires the webhook secret in webhook mode, not for long polling", () => {
    const token = "max-bot-token-0123456789abcdef";
    expect(() => loadConfig({ MAX_BOT_TOKEN: token })).toThrow(/MAX_WEBHOOK_SECRET: is required when MAX_BOT_TOKEN is set and MAX_MODE is webhook/);
    expect(loadConfig({ MAX_BOT_TOKEN: token, MAX_MODE: "polling" }).MAX_API_URL).toBe("https://platform-api2.max.ru");
    expect(() => loadConfig({ MAX_BOT_TOKEN: token, MAX_WEBHOOK_SECRET: "a-long-random-secret-0123456789", MAX_WEBHOOK_URL: "http://clinic.test/webhooks/max" })).toThrow(/MAX_WEBHOOK_URL: must start with https:\/\//);
  });
});
