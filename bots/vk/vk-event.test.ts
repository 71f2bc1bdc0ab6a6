import { describe, expect, it } from "vitest";
import { loadConfig } from "../../core/config";
import { randomIdFor } from "./vk-channel";
import type { VkEnvelope } from "../../core/channels/vk-envelope";
import { parseVkEvent, vkToIncomingEvent } from "./vk-event";

const envelope = (message: Record<string, unknown>, langId = 0): VkEnvelope => ({
  type: "message_new",
  group_id: 42,
  event_id: "abc123",
  object: { message: { from_id: 7, peer_id: 7, text: "", attachments: [], ...message }, client_info: { lang_id: langId } },
});

describe("VK events as channel-neutral events", () => {
  it("turns /commands into commands, other text into text, with VK's language", () => {
    expect(vkToIncomingEvent(envelope({ text: "/link 123 456" }, 3))).toEqual({
      eventId: "vk-42-abc123",
      sender: { channel: "vk", externalUserId: "7", chatId: "7", languageCode: "en" },
      content: { kind: "command", command: "link", args: "123 456" },
    });
    expect(vkToIncomingEvent(envelope({ text: "болит" }))?.content).toEqual({ kind: "text", text: "болит" });
  });

  it("takes our button payload as a button and ignores a foreign payload", () => {
    expect(vkToIncomingEvent(envelope({ text: "Согласен", payload: '{"d":"consent:remote_care:yes"}' }))?.content).toEqual({
      kind: "button",
      data: "consent:remote_care:yes",
    });
    expect(vkToIncomingEvent(envelope({ text: "Начать", payload: '{"command":"start"}' }))?.content).toEqual({ kind: "text", text: "Начать" });
  });

  it("offers the largest photo size as a file and skips group chats and other event types", () => {
    const photo = { type: "photo", photo: { sizes: [{ url: "https://vk.test/s.jpg", width: 75, height: 50 }, { url: "https://vk.test/x.jpg", width: 800, height: 600 }] } };
    const content = vkToIncomingEvent(envelope({ attachments: [photo], text: "сыпь" }))?.content;
    expect(content).toMatchObject({ kind: "file", caption: "сыпь", file: { kind: "photo" } });
    expect(vkToIncomingEvent(envelope({ peer_id: 2_000_000_001, text: "hi" }))).toBeUndefined();
    expect(vkToIncomingEvent({ ...envelope({ text: "hi" }), type: "message_reply" })).toBeUndefined();
  });

  it("keys a message by group and event id and its chat by peer, and calls a message of the wrong shape malformed", () => {
    expect(parseVkEvent(envelope({ text: "hi" }))).toEqual({ kind: "event", id: "vk-42-abc123", chatKey: "vk:7" });
    expect(parseVkEvent({ ...envelope({ text: "hi" }), type: "message_reply" })).toEqual({ kind: "ignored" });
    expect(parseVkEvent(envelope({ peer_id: 2_000_000_001, text: "hi" }))).toEqual({ kind: "ignored" });
    expect(parseVkEvent(envelope({ from_id: "seven" }))).toMatchObject({ kind: "malformed", reason: expect.stringContaining("from_id") });
    expect(parseVkEvent({ type: "message_new", group_id: 42, event_id: "x", object: null })).toMatchObject({ kind: "malformed" });
  });

  it("derives a stable positive 32-bit random_id from the outbox row", () => {
    const id = randomIdFor("0b7e4c1e-9a51-3a0f-5b8e-2f106f1c1c8e");
    expect(id).toBe(randomIdFor("0b7e4c1e-9a51-3a0f-5b8e-2f106f1c1c8e"));
    expect(id).toBeGreaterThanOrEqual(0);
    expect(id).toBeLessThan(2 ** 31);
    expect(randomIdFor("another-row")).not.toBe(id);
  });
});

describe("VK configuration", () => {
  it("requires the group, and in callback mode the secret and confirmation, once a token is set", () => {
    const token = "vk1.a.community-token-0123456789";
    expect(() => loadConfig({ VK_TOKEN: token })).toThrow(/VK_GROUP_ID: is required when VK_TOKEN is set/);
    expect(() => loadConfig({ VK_TOKEN: token, VK_GROUP_ID: "42" })).toThrow(/VK_SECRET: is required when VK_TOKEN is set and VK_MODE is callback/);
    expect(loadConfig({ VK_TOKEN: token, VK_GROUP_ID: "42", VK_MODE: "longpoll" }).VK_GROUP_ID).toBe(42);
  });
});
