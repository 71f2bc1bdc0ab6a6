import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedCall {
  method: string;
  params: Record<string, unknown>;
  at: number;
}

type Failure = { status: number; description: string; retryAfter?: number };

/** Telegram's flood control as the stand-in enforces it: over either limit a sendMessage gets a 429. */
export interface StandInLimits {
  /** accepted sendMessage calls in any sliding second, for the whole bot */
  perSecond: number;
  /** minimum gap between two accepted messages to one chat */
  perChatIntervalMs: number;
  /** the retry_after (seconds) the 429 carries */
  retryAfter?: number;
}

/** A message Telegram accepted (answered 200 to a client still there to read it). */
export interface DeliveredMessage {
  chatId: string;
  text: string;
  at: number;
}

/**
 * A local stand-in for the Telegram Bot API: answers `/bot<token>/<method>` like Telegram does
 * (`{ ok, result }` or `{ ok: false, error_code, description, parameters }`) and records every call.
 */
export class TelegramStandIn {
  readonly calls: RecordedCall[] = [];
  private server?: Server;
  private failures: Array<Failure & { chatId: string }> = [];
  private down = false;
  private nextMessageId = 1000;
  readonly delivered: DeliveredMessage[] = [];
  /** 429s answered because a limit was exceeded. */
  rateLimited = { overall: 0, perChat: 0 };
  private acceptedAt: number[] = [];
  private lastPerChat = new Map<string, number>();
  private held: Array<{ resume: () => void; socket: import("node:net").Socket }> | undefined;
  /** Files patients "sent": file_id → bytes, served by getFile and the file download route. */
  private files = new Map<string, Buffer>();
  /** Photos and documents the bot sent (sendPhoto / sendDocument), with their bytes. */
  readonly sentFiles: Array<{ method: string; chatId: string; fileName: string; bytes: Buffer }> = [];

  constructor(
    readonly token = "123456789:TEST-token-for-the-telegram-stand-in",
    private readonly options: { limits?: StandInLimits; latencyMs?: number } = {},
  ) {}

  /** Holds every request unanswered until `release()` (to kill a client while its sends are in flight). */
  hold(): void {
    this.held ??= [];
  }

  /** Answers the held requests; those whose client went away meanwhile never reached "Telegram". */
  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const { resume } of held) resume();
  }

  /** Held requests whose client has not gone away (yet): a killed client's sockets close a moment after it dies. */
  get heldOpenCount(): number {
    return this.held?.filter(({ socket }) => !socket.destroyed).length ?? 0;
  }

  get heldCount(): number {
    return this.held?.length ?? 0;
  }

  /** Undefined when accepted (and counted), else which limit refused it. */
  private overLimit(chatId: string, now: number): "overall" | "perChat" | undefined {
    const limits = this.options.limits;
    if (!limits) return undefined;
    while (this.acceptedAt.length && this.acceptedAt[0]! <= now - 1000) this.acceptedAt.shift();
    if (now - (this.lastPerChat.get(chatId) ?? -Infinity) < limits.perChatIntervalMs) return "perChat";
    if (this.acceptedAt.length >= limits.perSecond) return "overall";
    this.acceptedAt.push(now);
    this.lastPerChat.set(chatId, now);
    return undefined;
  }

  get apiRoot(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  get botId(): number {
    return Number(this.token.split(":")[0]);
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** Registers a file a patient sends; `reportedSize` lets a test claim a size without the bytes. */
  addFile(bytes: Buffer, reportedSize = bytes.length): { fileId: string; size: number } {
    const fileId = `file-${this.files.size + 1}-${Math.random().toString(36).slice(2, 10)}`;
    this.files.set(fileId, bytes);
    this.fileSizes.set(fileId, reportedSize);
    return { fileId, size: reportedSize };
  }

  private fileSizes = new Map<string, number>();

  /** The next `count` sendMessage calls to this chat fail with this answer (other chats' sends are not touched). */
  failNext(chatId: string | number, count: number, failure: Failure): void {
    for (let i = 0; i < count; i++) this.failures.push({ ...failure, chatId: String(chatId) });
  }

  /** While down, every call answers 502 Bad Gateway as Telegram's front does during an outage. */
  setDown(down: boolean): void {
    this.down = down;
  }

  sent(chatId?: string | number): RecordedCall[] {
    return this.calls.filter((call) => call.method === "sendMessage" && (chatId === undefined || String(call.params.chat_id) === String(chatId)));
  }

  /** Waits until `predicate` holds for the recorded calls, or fails after `timeoutMs`. */
  async waitFor(predicate: (calls: RecordedCall[]) => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.calls)) {
      if (Date.now() > deadline) throw new Error(`Telegram stand-in: condition not met in ${timeoutMs} ms; calls: ${JSON.stringify(this.calls.map((c) => c.method))}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  private async handle(req: IncomingMessage, res: import("node:http").ServerResponse): Promise<void> {
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? "");
    const raw = await readBody(req);
    const body = raw.toString("utf8");
    const reply = (status: number, payload: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(payload));
    };
    const download = /^\/file\/bot([^/]+)\/files\/([\w-]+)$/.exec(req.url ?? "");
    if (download && download[1] === this.token && this.files.has(download[2]!)) {
      this.calls.push({ method: "download", params: { file_id: download[2] }, at: Date.now() });
      res.writeHead(200, { "content-type": "application/octet-stream" });
      return void res.end(this.files.get(download[2]!));
    }
    if (this.down) return reply(502, { ok: false, error_code: 502, description: "Bad Gateway" });
    if (!match || match[1] !== this.token) return reply(401, { ok: false, error_code: 401, description: "Unauthorized" });
    const method = match[2]!;
    if (req.headers["content-type"]?.includes("multipart/form-data")) {
      const parts = parseMultipart(req.headers["content-type"], raw);
      const upload = parts.find((p) => p.fileName !== undefined);
      const chatId = parts.find((p) => p.name === "chat_id")?.bytes.toString("utf8") ?? "";
      this.calls.push({ method, params: { chat_id: chatId }, at: Date.now() });
      if (upload) this.sentFiles.push({ method, chatId, fileName: upload.fileName!, bytes: upload.bytes });
      return reply(200, { ok: true, result: { message_id: this.nextMessageId++, date: Math.floor(Date.now() / 1000), chat: { id: Number(chatId), type: "private" } } });
    }
    const params = parseParams(req.headers["content-type"], body);
    this.calls.push({ method, params, at: Date.now() });
    if (method === "getFile") {
      const fileId = String(params.file_id);
      if (!this.files.has(fileId)) return reply(400, { ok: false, error_code: 400, description: "Bad Request: invalid file_id" });
      return reply(200, { ok: true, result: { file_id: fileId, file_unique_id: `u-${fileId}`, file_size: this.fileSizes.get(fileId), file_path: `files/${fileId}` } });
    }

    if (method === "sendMessage") {
      if (this.options.latencyMs) await new Promise((resolve) => setTimeout(resolve, this.options.latencyMs));
      if (this.held) await new Promise<void>((resolve) => this.held!.push({ resume: resolve, socket: req.socket }));
      // A client killed while waiting for us: the request is dropped as if it never got through.
      if (req.socket.destroyed || res.writableEnded) return;
      const chatId = String(params.chat_id);
      const failing = this.failures.findIndex((failure) => failure.chatId === chatId);
      const failure = failing === -1 ? undefined : this.failures.splice(failing, 1)[0];
      if (failure) {
        return reply(failure.status, {
          ok: false,
          error_code: failure.status,
          description: failure.description,
          ...(failure.retryAfter !== undefined ? { parameters: { retry_after: failure.retryAfter } } : {}),
        });
      }
      const refused = this.overLimit(chatId, Date.now());
      if (refused) {
        this.rateLimited[refused]++;
        const retryAfter = this.options.limits?.retryAfter ?? 1;
        return reply(429, {
          ok: false,
          error_code: 429,
          description: `Too Many Requests: retry after ${retryAfter}`,
          parameters: { retry_after: retryAfter },
        });
      }
      this.delivered.push({ chatId, text: String(params.text), at: Date.now() });
      return reply(200, {
        ok: true,
        result: {
          message_id: this.nextMessageId++,
          date: Math.floor(Date.now() / 1000),
          chat: { id: Number(params.chat_id), type: "private" },
          text: params.text,
          ...(params.reply_markup ? { reply_markup: params.reply_markup } : {}),
        },
      });
    }
    if (method === "getMe") {
      return reply(200, {
        ok: true,
        result: { id: this.botId, is_bot: true, first_name: "Telecons", username: "telecons_test_bot", can_join_groups: false, can_read_all_group_messages: false, supports_inline_queries: false },
      });
    }
    // answerCallbackQuery, setWebhook and the like simply succeed.
    return reply(200, { ok: true, result: true });
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

/** Just enough multipart/form-data for grammY's uploads: each part's name, file name and bytes. */
function parseMultipart(contentType: string, body: Buffer): Array<{ name: string; fileName?: string; bytes: Buffer }> {
  const boundary = Buffer.from(`--${/boundary=("?)([^";]+)\1/.exec(contentType)![2]}`);
  const parts: Array<{ name: string; fileName?: string; bytes: Buffer }> = [];
  let start = body.indexOf(boundary);
  while (start !== -1) {
    const next = body.indexOf(boundary, start + boundary.length);
    if (next === -1) break;
    const part = body.subarray(start + boundary.length + 2, next - 2);
    const headerEnd = part.indexOf("\r\n\r\n");
    const headers = part.subarray(0, headerEnd).toString("utf8");
    // grammY writes the names unquoted.
    const name = /;\s*name="?([^";\r\n]*)"?/.exec(headers)?.[1] ?? "";
    const fileName = /filename="?([^";\r\n]*)"?/.exec(headers)?.[1];
    parts.push({ name, fileName, bytes: part.subarray(headerEnd + 4) });
    start = next;
  }
  return parts;
}

function parseParams(contentType: string | undefined, body: string): Record<string, unknown> {
  if (!body) return {};
  if (contentType?.includes("application/json")) return JSON.parse(body) as Record<string, unknown>;
  return Object.fromEntries(new URLSearchParams(body));
}

type Patient = { id: number; languageCode?: string };

/** A patient's message in their private chat with the bot, with `content` (text, photo, document, contact…). */
const privateMessage = (updateId: number, user: Patient, content: object) => ({
  update_id: updateId,
  message: {
    message_id: updateId,
    date: Math.floor(Date.now() / 1000),
    chat: { id: user.id, type: "private", first_name: "Patient" },
    from: { id: user.id, is_bot: false, first_name: "Patient", language_code: user.languageCode },
    ...content,
  },
});

/** Realistic Telegram updates for a private chat. */
export const telegramUpdates = {
  text(updateId: number, user: Patient, text: string) {
    const entities = text.startsWith("/") ? [{ type: "bot_command", offset: 0, length: text.split(" ")[0]!.length }] : undefined;
    return privateMessage(updateId, user, { text, ...(entities ? { entities } : {}) });
  },
  button(updateId: number, user: Patient, data: string) {
    return {
      update_id: updateId,
      callback_query: {
        id: `cb${updateId}`,
        chat_instance: "ci",
        from: { id: user.id, is_bot: false, first_name: "Patient", language_code: user.languageCode },
        message: {
          message_id: 1,
          date: Math.floor(Date.now() / 1000),
          chat: { id: user.id, type: "private", first_name: "Patient" },
          from: { id: 1, is_bot: true, first_name: "Telecons" },
          text: "consent",
        },
        data,
      },
    };
  },
  photo(updateId: number, user: Patient, file = { fileId: "AgAC", size: 1000 }, caption?: string) {
    return privateMessage(updateId, user, {
      photo: [
        { file_id: `${file.fileId}-small`, file_unique_id: "u0", width: 90, height: 90, file_size: 100 },
        { file_id: file.fileId, file_unique_id: "u1", width: 1280, height: 960, file_size: file.size },
      ],
      ...(caption ? { caption } : {}),
    });
  },
  document(updateId: number, user: Patient, file: { fileId: string; size: number }, fileName: string) {
    return privateMessage(updateId, user, {
      document: { file_id: file.fileId, file_unique_id: `u-${file.fileId}`, file_name: fileName, file_size: file.size },
    });
  },
  /** The contact-sharing button: `contactUserId` is whose number it is (the sender's own, or someone else's). */
  contact(updateId: number, user: Patient, phone: string, contactUserId: number) {
    return privateMessage(updateId, user, { contact: { phone_number: phone, first_name: "Patient", user_id: contactUserId } });
  },
};
