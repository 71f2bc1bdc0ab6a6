import { randomInt } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface VkCall {
  method: string;
  params: Record<string, string>;
  at: number;
}

/** A message VK accepted: `random_id` repeated within the dialogue is dropped, as VK does. */
export interface VkSentMessage {
  peerId: string;
  text: string;
  keyboard?: { inline: boolean; buttons: Array<Array<{ action: { type: string; label: string; payload?: string; link?: string } }>> };
  attachment?: string;
  randomId: string;
}

/**
 * A local stand-in for the VK API as vk-io uses it: `POST /method/<name>` with form parameters answering
 * `{ response }` or `{ error: { error_code, error_msg } }`, the photo and document upload servers, files
 * patients "sent" (served for download), and Bots Long Poll.
 */
export class VkStandIn {
  readonly token = "vk1.a.test-community-token-for-the-stand-in";
  readonly groupId = 222333444;
  readonly secret = "TestCallbackSecret123";
  readonly confirmation = "c0nf1rm";
  readonly calls: VkCall[] = [];
  readonly sent: VkSentMessage[] = [];
  /** Files uploaded through the upload servers, by the attachment string messages.send received. */
  readonly uploads = new Map<string, { field: string; fileName: string; bytes: Buffer }>();
  private server?: Server;
  private files = new Map<string, Buffer>();
  private failures: Array<{ code: number; message: string }> = [];
  private pendingUploads = new Map<string, { field: string; fileName: string; bytes: Buffer }>();
  private nextId = 1;
  private eventCounter = randomInt(1, 1_000_000);
  private longPollQueue: unknown[] = [];
  private longPollWaiters: Array<() => void> = [];

  get base(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }
  get apiRoot(): string {
    return `${this.base}/method`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return this;
  }

  async stop(): Promise<void> {
    for (const wake of this.longPollWaiters.splice(0)) wake();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** The next `count` messages.send calls answer with this VK error. */
  failNext(count: number, code: number, message: string): void {
    for (let i = 0; i < count; i++) this.failures.push({ code, message });
  }

  /** A file a patient attached, downloadable at the returned URL. */
  addFile(bytes: Buffer): string {
    const id = `f${this.nextId++}`;
    this.files.set(id, bytes);
    return `${this.base}/files/${id}`;
  }

  /** Queues an event for the long poll (development mode). */
  pushLongPoll(event: unknown): void {
    this.longPollQueue.push(event);
    for (const wake of this.longPollWaiters.splice(0)) wake();
  }

  sentTo(peerId: number | string): VkSentMessage[] {
    return this.sent.filter((m) => m.peerId === String(peerId));
  }

  async waitFor(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`VK stand-in: condition not met in ${timeoutMs} ms; sent: ${JSON.stringify(this.sent.map((m) => m.text.slice(0, 60)))}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Callback API events as VK sends them (API 5.199). */
  readonly events = {
    message: (user: { id: number; langId?: number }, text: string, extra: { payload?: string; attachments?: unknown[] } = {}) => ({
      type: "message_new",
      event_id: `ev${(this.eventCounter++).toString(16)}`,
      v: "5.199",
      group_id: this.groupId,
      secret: this.secret,
      object: {
        message: {
          date: Math.floor(Date.now() / 1000),
          from_id: user.id,
          peer_id: user.id,
          id: this.nextId++,
          out: 0,
          text,
          conversation_message_id: this.nextId,
          fwd_messages: [],
          important: false,
          is_hidden: false,
          attachments: extra.attachments ?? [],
          ...(extra.payload ? { payload: extra.payload } : {}),
        },
        client_info: { button_actions: ["text", "open_link", "callback"], keyboard: true, inline_keyboard: true, carousel: true, lang_id: user.langId ?? 0 },
      },
    }),
    confirmation: () => ({ type: "confirmation", group_id: this.groupId, secret: this.secret }),
    photo: (url: string) => ({
      type: "photo",
      photo: { id: this.nextId++, owner_id: 1, sizes: [{ type: "s", url: `${url}?small`, width: 75, height: 56 }, { type: "x", url, width: 604, height: 453 }] },
    }),
    doc: (url: string, title: string, size: number) => ({ type: "doc", doc: { id: this.nextId++, owner_id: 1, title, size, ext: "pdf", url, type: 1 } }),
  };

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? "/", this.base);
    const json = (payload: unknown) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(payload));
    };
    const file = /^\/files\/(\w+)$/.exec(url.pathname);
    if (file) {
      const bytes = this.files.get(file[1]!);
      res.writeHead(bytes ? 200 : 404, { "content-type": "application/octet-stream" });
      return void res.end(bytes);
    }
    if (url.pathname === "/longpoll") return this.longPoll(url, json);
    const upload = /^\/upload\/(photo|doc)$/.exec(url.pathname);
    if (upload) {
      const part = parseMultipartFile(String(req.headers["content-type"]), raw);
      const key = `u${this.nextId++}`;
      this.pendingUploads.set(key, part);
      return json(upload[1] === "photo" ? { server: 1, photo: key, hash: "h" } : { file: key });
    }
    const method = /^\/method\/([\w.]+)$/.exec(url.pathname)?.[1];
    if (!method) return json({ error: { error_code: 3, error_msg: "Unknown method passed" } });
    const params = Object.fromEntries(new URLSearchParams(raw.toString("utf8")));
    this.calls.push({ method, params, at: Date.now() });
    if (params.access_token !== this.token) return json({ error: { error_code: 5, error_msg: "User authorization failed" } });
    switch (method) {
      case "messages.send": {
        const failure = this.failures.shift();
        if (failure) return json({ error: { error_code: failure.code, error_msg: failure.message, request_params: [] } });
        const repeated = this.sent.find((m) => m.peerId === params.peer_id && m.randomId === params.random_id);
        if (!repeated) {
          this.sent.push({
            peerId: params.peer_id!,
            text: params.message ?? "",
            keyboard: params.keyboard ? JSON.parse(params.keyboard) : undefined,
            attachment: params.attachment,
            randomId: params.random_id!,
          });
        }
        return json({ response: this.nextId++ });
      }
      case "photos.getMessagesUploadServer":
        return json({ response: { upload_url: `${this.base}/upload/photo`, album_id: -3, group_id: this.groupId } });
      case "docs.getMessagesUploadServer":
        return json({ response: { upload_url: `${this.base}/upload/doc` } });
      case "photos.saveMessagesPhoto": {
        const id = this.nextId++;
        this.uploads.set(`photo-${this.groupId}_${id}_k${id}`, this.pendingUploads.get(params.photo!)!);
        return json({ response: [{ id, owner_id: -this.groupId, access_key: `k${id}`, album_id: -3, date: 0, sizes: [] }] });
      }
      case "docs.save": {
        const id = this.nextId++;
        const uploaded = this.pendingUploads.get(params.file!)!;
        this.uploads.set(`doc-${this.groupId}_${id}`, uploaded);
        return json({ response: { type: "doc", doc: { id, owner_id: -this.groupId, title: params.title ?? uploaded.fileName, size: uploaded.bytes.length, ext: "pdf", url: "", date: 0, type: 1 } } });
      }
      case "groups.getLongPollServer":
        return json({ response: { key: "lp-key", server: `${this.base}/longpoll`, ts: "1" } });
      default:
        return json({ response: 1 });
    }
  }

  private async longPoll(url: URL, json: (payload: unknown) => void): Promise<void> {
    if (url.searchParams.get("key") !== "lp-key") return json({ failed: 2 });
    if (!this.longPollQueue.length) {
      const wait = Math.min(Number(url.searchParams.get("wait") ?? 25), 25) * 1000;
      await new Promise<void>((resolve) => {
        this.longPollWaiters.push(resolve);
        setTimeout(resolve, wait);
      });
    }
    const ts = Number(url.searchParams.get("ts")) + this.longPollQueue.length;
    json({ ts: String(ts), updates: this.longPollQueue.splice(0) });
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

/** The one file part of an upload (vk-io sends `photo` or `file`; MAX uploads send `data`). */
export function parseMultipartFile(contentType: string, body: Buffer): { field: string; fileName: string; bytes: Buffer } {
  const boundary = Buffer.from(`--${/boundary=("?)([^";]+)\1/.exec(contentType)![2]}`);
  const start = body.indexOf(boundary) + boundary.length + 2;
  const end = body.indexOf(boundary, start) - 2;
  const part = body.subarray(start, end);
  const headerEnd = part.indexOf("\r\n\r\n");
  const headers = part.subarray(0, headerEnd).toString("utf8");
  return {
    field: /;\s*name="?([^";\r\n]*)"?/.exec(headers)?.[1] ?? "",
    fileName: /filename="?([^";\r\n]*)"?/.exec(headers)?.[1] ?? "",
    bytes: part.subarray(headerEnd + 4),
  };
}
