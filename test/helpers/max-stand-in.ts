import { randomInt } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { parseMultipartFile } from "./vk-stand-in";

/** A user of MAX as the stand-in knows them: the dialogue with the bot has its own chat id. */
export interface MaxUser {
  userId: number;
  chatId: number;
  locale?: string;
}

interface Button {
  type: string;
  text: string;
  payload?: string;
  url?: string;
}

/** A message MAX accepted through POST /messages. */
export interface MaxSentMessage {
  chatId: number;
  mid: string;
  text: string;
  buttons: Button[][];
  /** Files attached by upload token, with what was uploaded under it. */
  files: Array<{ type: "image" | "file"; fileName: string; bytes: Buffer }>;
}

/**
 * A local stand-in for the MAX Bot API (platform-api2.max.ru) as published on dev.max.ru: the token in the
 * Authorization header, POST /messages?chat_id= with text and attachments (inline_keyboard, image, file),
 * POST /uploads?type= then a multipart upload to the returned URL, GET /updates for long polling, POST
 * /subscriptions for webhooks; errors as `{ code, message }` with an HTTP status. Files patients "sent" are
 * served for download.
 */
export class MaxStandIn {
  readonly token = "max-test-bot-token-0123456789abcdef";
  readonly secret = "max-test-webhook-secret-0123456789";
  readonly sent: MaxSentMessage[] = [];
  readonly subscriptions: Array<{ url: string; secret?: string; update_types?: string[] }> = [];
  /** Every request the bot made, for tests of what (not) happened. */
  readonly calls: Array<{ method: string; path: string }> = [];
  private server = createServer((req, res) => void this.handle(req, res));
  private nextId = randomInt(1, 1_000_000);
  private files = new Map<string, Buffer>();
  private uploads = new Map<string, { type: "image" | "file"; fileName: string; bytes: Buffer }>();
  private failures: Array<{ status: number; code: string; message: string; chatId: number }> = [];
  private updates: unknown[] = [];
  private waiters: Array<() => void> = [];

  get base(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return this;
  }

  async stop(): Promise<void> {
    for (const wake of this.waiters.splice(0)) wake();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  newUser(locale?: string): MaxUser {
    return { userId: randomInt(1_000_000, 2 ** 40), chatId: randomInt(1_000_000, 2 ** 40), locale };
  }

  /** The next `count` POST /messages to this user's chat answer with this status and error. */
  failNext(user: MaxUser, count: number, status: number, code: string, message: string): void {
    for (let i = 0; i < count; i++) this.failures.push({ status, code, message, chatId: user.chatId });
  }

  /** A file a patient attached, downloadable at the returned URL. */
  addFile(bytes: Buffer): string {
    const id = `f${this.nextId++}`;
    this.files.set(id, bytes);
    return `${this.base}/files/${id}`;
  }

  /** Queues an update for GET /updates (long polling). */
  pushUpdate(update: unknown): void {
    this.updates.push(update);
    for (const wake of this.waiters.splice(0)) wake();
  }

  sentTo(user: MaxUser): MaxSentMessage[] {
    return this.sent.filter((m) => m.chatId === user.chatId);
  }

  private user = (user: MaxUser) => ({ user_id: user.userId, first_name: "Пациент", name: "Пациент", username: null, is_bot: false, last_activity_time: Date.now() });
  private recipient = (user: MaxUser) => ({ chat_id: user.chatId, chat_type: "dialog", user_id: 1 });

  /** Updates as MAX sends them (the `Update` object of dev.max.ru). */
  readonly updatesFor = {
    message: (user: MaxUser, text: string | null, attachments?: unknown[]) => ({
      update_type: "message_created",
      timestamp: Date.now(),
      message: {
        sender: this.user(user),
        recipient: this.recipient(user),
        timestamp: Date.now(),
        body: { mid: `mid.${(this.nextId++).toString(16).padStart(16, "0")}`, seq: this.nextId, text, ...(attachments ? { attachments } : {}) },
      },
      ...(user.locale ? { user_locale: user.locale } : {}),
    }),
    callback: (user: MaxUser, payload: string) => ({
      update_type: "message_callback",
      timestamp: Date.now(),
      callback: { timestamp: Date.now(), callback_id: `cb${(this.nextId++).toString(36)}`, payload, user: this.user(user) },
      message: { recipient: this.recipient(user), timestamp: Date.now(), body: { mid: `mid.${this.nextId++}`, seq: 1, text: "" } },
      ...(user.locale ? { user_locale: user.locale } : {}),
    }),
    botStarted: (user: MaxUser) => ({
      update_type: "bot_started",
      timestamp: Date.now() + this.nextId++,
      chat_id: user.chatId,
      user: this.user(user),
      ...(user.locale ? { user_locale: user.locale } : {}),
    }),
    image: (url: string) => ({ type: "image", payload: { photo_id: this.nextId++, token: "t", url } }),
    file: (url: string, filename: string, size: number) => ({ type: "file", payload: { token: "t", url }, filename, size }),
  };

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? "/", this.base);
    const json = (status: number, payload: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(payload));
    };
    const file = /^\/files\/(\w+)$/.exec(url.pathname);
    if (file) {
      const bytes = this.files.get(file[1]!);
      res.writeHead(bytes ? 200 : 404, { "content-type": "application/octet-stream" });
      return void res.end(bytes);
    }
    // The upload host takes no token: the URL from POST /uploads is the authorisation.
    const upload = /^\/upload\/(image|file)\/(\w+)$/.exec(url.pathname);
    if (upload && req.method === "POST") {
      const part = parseMultipartFile(String(req.headers["content-type"]), raw);
      if (part.field !== "data") return json(400, { code: "upload.field", message: "expected the file in the `data` field" });
      const token = `tok${this.nextId++}`;
      this.uploads.set(token, { type: upload[1] as "image" | "file", fileName: part.fileName, bytes: part.bytes });
      return json(200, upload[1] === "image" ? { photos: { [`p${upload[2]}`]: { token } } } : { token });
    }
    this.calls.push({ method: req.method ?? "GET", path: url.pathname });
    // Query tokens are no longer accepted: only the header.
    if (req.headers.authorization !== this.token) return json(401, { code: "verify.token", message: "Invalid access_token" });
    const body = raw.length ? JSON.parse(raw.toString("utf8")) : {};
    switch (`${req.method} ${url.pathname}`) {
      case "POST /messages":
        return this.sendMessage(url, body, json);
      case "POST /uploads": {
        const type = url.searchParams.get("type");
        if (type !== "image" && type !== "file") return json(400, { code: "proto.payload", message: "unsupported upload type" });
        return json(200, { url: `${this.base}/upload/${type}/u${this.nextId++}` });
      }
      case "GET /updates":
        return this.longPoll(url, json);
      case "POST /subscriptions":
        if (!String(body.url).startsWith("https://")) return json(400, { code: "proto.payload", message: "url must be https" });
        this.subscriptions.push(body);
        return json(200, { success: true });
      case "POST /answers":
        return json(200, { success: true });
      default:
        return json(404, { code: "not.found", message: `${req.method} ${url.pathname}` });
    }
  }

  private sendMessage(url: URL, body: { text?: string; attachments?: Array<{ type: string; payload: Record<string, unknown> }> }, json: (status: number, payload: unknown) => void) {
    const chatId = Number(url.searchParams.get("chat_id"));
    if (!chatId) return json(400, { code: "proto.payload", message: "chat_id or user_id is required" });
    const failure = this.failures.find((f) => f.chatId === chatId);
    if (failure) {
      this.failures.splice(this.failures.indexOf(failure), 1);
      return json(failure.status, { code: failure.code, message: failure.message });
    }
    const text = body.text ?? "";
    if (text.length > 4000) return json(400, { code: "proto.payload", message: "text: size must be between 0 and 4000" });
    const message: MaxSentMessage = { chatId, mid: `mid.out${this.nextId++}`, text, buttons: [], files: [] };
    for (const attachment of body.attachments ?? []) {
      if (attachment.type === "inline_keyboard") message.buttons = attachment.payload.buttons as Button[][];
      else if (attachment.type === "image" || attachment.type === "file") {
        const tokens =
          attachment.type === "image"
            ? Object.values((attachment.payload.photos ?? {}) as Record<string, { token: string }>).map((p) => p.token)
            : [String(attachment.payload.token)];
        for (const token of tokens) {
          const uploaded = this.uploads.get(token);
          if (!uploaded || uploaded.type !== attachment.type) return json(400, { code: "attachment.invalid", message: `unknown ${attachment.type} token` });
          message.files.push(uploaded);
        }
      } else return json(400, { code: "proto.payload", message: `attachment type ${attachment.type} not expected here` });
    }
    this.sent.push(message);
    return json(200, {
      message: {
        sender: { user_id: 1, first_name: "Telecons", name: "Telecons", username: "telecons_bot", is_bot: true, last_activity_time: Date.now() },
        recipient: { chat_id: chatId, chat_type: "dialog", user_id: null },
        timestamp: Date.now(),
        body: { mid: message.mid, seq: this.nextId, text, attachments: body.attachments ?? [] },
      },
    });
  }

  /** `marker` is the position after the last update the bot has seen: everything from it on is (re)delivered. */
  private async longPoll(url: URL, json: (status: number, payload: unknown) => void): Promise<void> {
    const marker = Number(url.searchParams.get("marker") ?? 0);
    if (this.updates.length <= marker) {
      const waitMs = Math.min(Number(url.searchParams.get("timeout") ?? 30), 90) * 1000;
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, waitMs).unref();
      });
    }
    json(200, { updates: this.updates.slice(marker), marker: this.updates.length });
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
