import { randomInt, randomUUID } from "node:crypto";
import { expect } from "vitest";
import { parseMaxUpdate } from "../../bots/max/max-update";
import type { Harness } from "./harness";
import { telegramUpdates } from "./telegram-stand-in";

/**
 * One patient on one messenger, as a test sees them: what they say and press, and what the service
 * answered. The same shape for every channel, so a dialogue test can run on each of them.
 */
export interface ChannelDriver {
  channel: "telegram" | "vk" | "web" | "max";
  /** The MessengerAccount's externalUserId. */
  externalUserId: string;
  say(text: string): Promise<void>;
  press(data: string): Promise<void>;
  /** Texts the patient received, in order. */
  texts(): string[];
  /** Waits until a received text starts with `prefix`; returns it. */
  waitForText(prefix: string, timeoutMs?: number): Promise<string>;
}

/** A button as the patient sees it, whatever the messenger: its label and either our data or a link. */
export interface SeenButton {
  label: string;
  data?: string;
  url?: string;
}

/** A messenger (Telegram, MAX) driven through its webhook: each step waits until the dialogue has handled it. */
export interface MessengerDriver extends ChannelDriver {
  channel: "telegram" | "max";
  /** Messages the patient received, in order, with their inline buttons in reading order. */
  messages(): Array<{ text: string; buttons: SeenButton[] }>;
  /** Waits until every reply queued for the patient has reached the messenger (the outbox sends asynchronously). */
  settled(): Promise<void>;
  /** Sends a file as the messenger delivers one (a compressed photo, or a document with its name) and waits until it is handled. */
  sendFile(bytes: Buffer, as: "photo" | "document", fileName?: string): Promise<void>;
}

/** The outbox has no row left to send to this account. */
async function outboxDrained(h: Harness, channel: ChannelDriver["channel"], externalUserId: string): Promise<void> {
  const where = { status: "pending" as const, account: { channel, externalUserId } };
  await expect.poll(() => h.db.outboxMessage.count({ where }), { timeout: 10_000, interval: 30 }).toBe(0);
}

async function waitFor(texts: () => string[], prefix: string, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = texts().find((t) => t.startsWith(prefix));
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`no reply starting with ${JSON.stringify(prefix)}; got ${JSON.stringify(texts())}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

type TelegramInlineButton = { text: string; callback_data?: string; url?: string; web_app?: { url: string } };

export function telegramDriver(h: Harness, languageCode = "ru") {
  const user = h.newPatient(languageCode);
  const texts = () => h.telegram.sent(user.id).map((c) => String(c.params.text));
  const buttons = (markup: unknown): SeenButton[] =>
    ((markup as { inline_keyboard?: TelegramInlineButton[][] } | undefined)?.inline_keyboard ?? [])
      .flat()
      .map((b) => ({ label: b.text, data: b.callback_data, url: b.url ?? b.web_app?.url }));
  return {
    channel: "telegram" as const,
    externalUserId: String(user.id),
    user,
    say: (text: string) => h.say(user, text),
    press: (data: string) => h.press(user, data),
    texts,
    messages: () => h.telegram.sent(user.id).map((c) => ({ text: String(c.params.text), buttons: buttons(c.params.reply_markup) })),
    waitForText: (prefix: string, timeoutMs?: number) => waitFor(texts, prefix, timeoutMs),
    settled: () => outboxDrained(h, "telegram", String(user.id)),
    async sendFile(bytes: Buffer, as: "photo" | "document", fileName = "scan") {
      const file = h.telegram.addFile(bytes);
      await h.deliver(as === "photo" ? telegramUpdates.photo(h.nextUpdateId(), user, file) : telegramUpdates.document(h.nextUpdateId(), user, file, fileName));
    },
  } satisfies MessengerDriver & Record<string, unknown>;
}

/** VK's lang_id for the languages VK reports: 0 Russian, 3 English. */
export function vkDriver(h: Harness, langId = 0) {
  // VK user ids stay below 2e9: peer ids from 2e9 up are group chats, which the adapter ignores.
  const user = { id: randomInt(100_000, 2_000_000_000), langId };
  const texts = () => h.vk.sentTo(user.id).map((m) => m.text);
  const post = async (event: object) => {
    const response = await h.app.inject({ method: "POST", url: "/webhooks/vk", payload: event });
    if (response.statusCode !== 200 || response.body !== "ok") throw new Error(`VK webhook answered ${response.statusCode}: ${response.body}`);
    return event;
  };
  return {
    channel: "vk" as const,
    externalUserId: String(user.id),
    user,
    post,
    say: async (text: string) => void (await post(h.vk.events.message(user, text))),
    /** As VK delivers a keyboard press: the label as text, our data in the payload. */
    press: async (data: string) => {
      const button = h.vk
        .sentTo(user.id)
        .flatMap((m) => m.keyboard?.buttons.flat() ?? [])
        .findLast((b) => b.action.payload === JSON.stringify({ d: data }));
      await post(h.vk.events.message(user, button?.action.label ?? data, { payload: JSON.stringify({ d: data }) }));
    },
    texts,
    waitForText: (prefix: string, timeoutMs?: number) => waitFor(texts, prefix, timeoutMs),
  } satisfies ChannelDriver & Record<string, unknown>;
}

/** A MAX user whose client reports `locale` (MAX's user_locale), talking to the bot through POST /webhooks/max. */
export function maxDriver(h: Harness, locale = "ru") {
  const user = h.max.newUser(locale);
  const texts = () => h.max.sentTo(user).map((m) => m.text);
  const post = async (update: object) => {
    const headers = { "x-max-bot-api-secret": h.max.secret };
    const response = await h.app.inject({ method: "POST", url: "/webhooks/max", headers, payload: update });
    if (response.statusCode !== 200) throw new Error(`MAX webhook answered ${response.statusCode}: ${response.body}`);
    return update;
  };
  /** Posts the update and waits until the inbound worker has handled it, as a patient's next message would. */
  const deliver = async (update: object) => {
    await post(update);
    const parsed = parseMaxUpdate(update);
    if (parsed.kind !== "event") throw new Error(`the MAX adapter does not keep this update: ${parsed.kind}`);
    await h.settled(parsed.id);
  };
  return {
    channel: "max" as const,
    externalUserId: String(user.userId),
    user,
    post,
    deliver,
    /** "/start" as MAX's Start button sends it (bot_started); any other text as a message. */
    say: (text: string) => deliver(text === "/start" ? h.max.updatesFor.botStarted(user) : h.max.updatesFor.message(user, text)),
    /** As MAX delivers a tap on an inline callback button: the button's payload in message_callback. */
    press: (data: string) => deliver(h.max.updatesFor.callback(user, data)),
    texts,
    messages: () =>
      h.max.sentTo(user).map((m) => ({ text: m.text, buttons: m.buttons.flat().map((b) => ({ label: b.text, data: b.payload, url: b.url })) })),
    waitForText: (prefix: string, timeoutMs?: number) => waitFor(texts, prefix, timeoutMs),
    settled: () => outboxDrained(h, "max", String(user.userId)),
    /** MAX sends a photo as an `image` attachment and any other file as `file` with its name and size. */
    async sendFile(bytes: Buffer, as: "photo" | "document", fileName = "scan") {
      const url = h.max.addFile(bytes);
      const attachment = as === "photo" ? h.max.updatesFor.image(url) : h.max.updatesFor.file(url, fileName, bytes.length);
      await deliver(h.max.updatesFor.message(user, null, [attachment]));
    },
  } satisfies MessengerDriver & Record<string, unknown>;
}

/** Gives both consents by pressing the buttons, as a patient would. */
export async function onboard(driver: ChannelDriver): Promise<void> {
  await driver.say("/start");
  await driver.press("consent:personal_data:yes");
  await driver.press("consent:remote_care:yes");
}

/** A web chat visitor through the widget's HTTP api (the browser test drives the real page). */
export async function webDriver(h: Harness, language = "ru") {
  const session = await h.app.inject({ method: "POST", url: "/widget/api/session" });
  const token: string = session.json().token;
  const visitorId = token.split(".")[0]!;
  const headers = { authorization: `Bearer ${token}` };
  let received: string[] = [];
  const refresh = async () => {
    received = (await h.services.webInbox.since(visitorId, "0")).map((entry) => entry.message.text);
  };
  const post = async (payload: object) => {
    const response = await h.app.inject({ method: "POST", url: "/widget/api/messages", headers, payload: { id: randomUUID(), language, ...payload } });
    if (response.statusCode !== 204) throw new Error(`widget answered ${response.statusCode}: ${response.body}`);
  };
  return {
    channel: "web" as const,
    externalUserId: visitorId,
    token,
    headers,
    say: (text: string) => post({ text }),
    press: (data: string) => post({ button: data }),
    async upload(bytes: Buffer, name: string) {
      const url = `/widget/api/files?${new URLSearchParams({ id: randomUUID(), language, name })}`;
      return h.app.inject({ method: "POST", url, headers: { ...headers, "content-type": "application/octet-stream" }, payload: bytes });
    },
    texts: () => received,
    async waitForText(prefix: string, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        await refresh();
        const found = received.find((t) => t.startsWith(prefix));
        if (found !== undefined) return found;
        if (Date.now() > deadline) throw new Error(`no web reply starting with ${JSON.stringify(prefix)}; got ${JSON.stringify(received)}`);
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
    },
  } satisfies ChannelDriver & Record<string, unknown>;
}
