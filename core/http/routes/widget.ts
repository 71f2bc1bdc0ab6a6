import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { WebMessage } from "../../channels/web-message";
import type { WebInbox } from "../../channels/web-inbox";
import type { WebTokens } from "../../channels/web-tokens";
import type { FileContent } from "../../files/stored-files";
import { languages, matchLanguage, type Language } from "../../i18n";
import { errorBodySchema } from "../../errors";
import { perMinute } from "../rate-limit";
import { eventStream, file, htmlPage, noContent, text } from "../responses";

const root = join(import.meta.dirname, "..", "..", "..");
const HEARTBEAT_MS = 25_000;
/** A little over the attachments' 10 MB, so the dialogue (not a bare 413) tells the patient the limit. */
const UPLOAD_LIMIT = 12 * 1024 * 1024;

export interface WidgetDeps {
  tokens: WebTokens;
  inbox: WebInbox;
  /** Stores a text, button or upload message for the inbound worker (core/inbound); throws when it could not be stored. */
  accept: (message: WebMessage) => Promise<void>;
  /** Keeps an upload's bytes (encrypted) until the inbound worker has handled it; returns the file id. */
  storeUpload: (bytes: Buffer, name: string | undefined) => Promise<string>;
  readFile: (fileId: string) => Promise<FileContent>;
  /** Leaves the audit trace of a patient downloading a file through a signed link. */
  auditDownload: (visitorId: string, fileId: string) => Promise<void>;
  defaultLanguage: Language;
}

const messageBody = z.union([
  z.object({ id: z.uuid(), language: z.string().max(16).optional(), text: z.string().trim().min(1).max(4000) }),
  z.object({ id: z.uuid(), language: z.string().max(16).optional(), button: z.string().min(1).max(64) }),
]);
const fileQuery = z.object({ id: z.uuid(), language: z.string().max(16).optional(), name: z.string().max(200).optional() });
const eventsQuery = z.object({ ticket: z.string().max(200), after: z.string().regex(/^\d+-\d+$|^0$/).optional() });
const fileLinkQuery = z.object({ v: z.uuid(), e: z.string().regex(/^\d+$/), s: z.string().max(100) });

const pageLanguage = (request: FastifyRequest, fallback: Language): Language => {
  const asked = (request.query as { lang?: string }).lang;
  const accepted = request.headers["accept-language"]?.split(",").map((part) => part.split(";")[0]!.trim());
  return matchLanguage(asked) ?? accepted?.map(matchLanguage).find((l) => l !== undefined) ?? fallback;
};

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const widgetTexts = (language: Language) => JSON.parse(readFileSync(join(root, "locales", language, "channels.json"), "utf8")).widget as Record<string, string>;

function renderPage(language: Language): string {
  const texts = widgetTexts(language);
  // Every language's few words: the page follows the language the patient picks in the chat, also after a reload.
  const all = Object.fromEntries(languages.map((l) => [l, widgetTexts(l)]));
  // `<` inside the JSON would let a text close the script element.
  const json = JSON.stringify({ language, texts: all }).replace(/</g, "\\u003c");
  return readFileSync(join(root, "widget", "index.html"), "utf8")
    .replace("{{lang}}", language)
    .replace("{{title}}", escapeHtml(texts.title!))
    .replace("{{config}}", json);
}

const bundles = new Map<string, Promise<string>>();
/** The page and embed scripts, bundled once per process with esbuild (as the call page is). */
function bundle(entry: "chat" | "embed"): Promise<string> {
  let cached = bundles.get(entry);
  if (!cached) {
    cached = import("esbuild").then(async (esbuild) => {
      const result = await esbuild.build({
        entryPoints: [join(root, "widget", `${entry}.ts`)],
        bundle: true,
        format: "iife",
        target: "es2020",
        minify: true,
        write: false,
        logLevel: "silent",
      });
      return result.outputFiles[0]!.text;
    });
    bundles.set(entry, cached);
  }
  return cached;
}

/**
 * The web chat: `/widget` is the page (standalone or in the iframe that `/widget/embed.js` adds to a clinic's
 * site); it talks to the same Dialogue as the bots through POSTs, and hears replies over server-sent events.
 */
/** Requests a minute: new sessions per client address, messages per visitor (per address without a valid token). */
export interface WidgetLimits {
  sessionsPerMinute: number;
  messagesPerMinute: number;
}

export const widgetRoutes = (deps: WidgetDeps, limits: WidgetLimits) => async (scope: FastifyInstance) => {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const open = new Set<{ end(): void }>();
  app.addHook("onClose", async () => {
    for (const res of open) res.end();
  });
  app.addContentTypeParser("application/octet-stream", { parseAs: "buffer", bodyLimit: UPLOAD_LIMIT }, (_request, body, done) => done(null, body));

  const bearer = (request: FastifyRequest) => {
    const header = request.headers.authorization;
    return header?.startsWith("Bearer ") ? header.slice(7) : undefined;
  };
  const visitorOf = (request: FastifyRequest) => deps.tokens.visitorOf(bearer(request));
  const unauthorized = { code: "unauthorized", message: "missing or invalid visitor token" };
  // The page answers this one by starting a new conversation (widget/chat.ts).
  const expired = { code: "token_expired", message: "the visitor token has expired: start a new session" };
  const refuse = (request: FastifyRequest, reply: FastifyReply) => {
    const check = deps.tokens.checkVisitor(bearer(request));
    return reply.status(401).send(!check.ok && check.reason === "expired" ? expired : unauthorized);
  };

  const refused = { 401: errorBodySchema };
  app.get("/widget", { schema: { response: { 200: htmlPage("The chat page") } } }, async (request, reply) =>
    reply
      .headers({ "cache-control": "no-store", "referrer-policy": "no-referrer", "x-content-type-options": "nosniff" })
      .type("text/html; charset=utf-8")
      .send(renderPage(pageLanguage(request, deps.defaultLanguage))),
  );
  app.get("/widget/chat.js", { schema: { response: { 200: text("text/javascript", "The chat page's script") } } }, async (_request, reply) => reply.type("text/javascript; charset=utf-8").send(await bundle("chat")));
  // Embedded on other sites by a clinic: any origin may load it.
  app.get("/widget/embed.js", { schema: { response: { 200: text("text/javascript", "The script a clinic's site embeds") } } }, async (_request, reply) =>
    reply.headers({ "access-control-allow-origin": "*" }).type("text/javascript; charset=utf-8").send(await bundle("embed")),
  );

  // Rate limits: an anonymous page must not create patients or dialogue work as fast as a script can.
  const sessionLimit = perMinute(limits.sessionsPerMinute, (request) => `widget-session:${request.ip}`);
  const messageLimit = perMinute(limits.messagesPerMinute, (request) => `widget-message:${visitorOf(request) ?? request.ip}`);

  app.post("/widget/api/session", { schema: { response: { 200: z.object({ token: z.string() }) } }, config: { rateLimit: sessionLimit } }, async () => ({ token: deps.tokens.newVisitor().token }));

  // Visitor tokens: renewed while the page is open, so only an absence longer than their lifetime ends a conversation.
  app.post("/widget/api/session/renew", { schema: { response: { 200: z.object({ token: z.string(), expiresAt: z.number() }), ...refused } } }, async (request, reply) => {
    const check = deps.tokens.checkVisitor(bearer(request));
    if (!check.ok) return refuse(request, reply);
    return deps.tokens.renew(check.visitorId);
  });

  app.post("/widget/api/events/ticket", { schema: { response: { 200: z.object({ ticket: z.string() }), ...refused } } }, async (request, reply) => {
    const visitorId = visitorOf(request);
    if (!visitorId) return refuse(request, reply);
    return { ticket: deps.tokens.eventsTicket(visitorId) };
  });

  app.post("/widget/api/messages", { schema: { body: messageBody, response: { 204: noContent, ...refused, 503: errorBodySchema } }, config: { rateLimit: messageLimit } }, async (request, reply) => {
    const visitorId = visitorOf(request);
    if (!visitorId) return refuse(request, reply);
    try {
      await deps.accept({ ...request.body, visitorId });
    } catch (error) {
      request.log.error({ err: error }, "widget message not stored");
      return reply.status(503).send({ code: "unavailable", message: "try again later" });
    }
    // Stored: the reply comes over the event stream once the inbound worker has run the dialogue.
    return reply.status(204).send();
  });

  app.post("/widget/api/files", { schema: { querystring: fileQuery, response: { 204: noContent, ...refused, 415: errorBodySchema, 503: errorBodySchema } }, bodyLimit: UPLOAD_LIMIT }, async (request, reply) => {
    const visitorId = visitorOf(request);
    if (!visitorId) return refuse(request, reply);
    const bytes = request.body as Buffer;
    if (!Buffer.isBuffer(bytes)) return reply.status(415).send({ code: "validation", message: "send the file as application/octet-stream" });
    const { id, language, name } = request.query;
    try {
      // The bytes first, then the event that names them: the dialogue runs in the inbound worker, as for a text.
      const fileId = await deps.storeUpload(bytes, name);
      await deps.accept({ visitorId, id, language, upload: { fileId, name, size: bytes.length } });
    } catch (error) {
      request.log.error({ err: error }, "widget upload not stored");
      return reply.status(503).send({ code: "unavailable", message: "try again later" });
    }
    return reply.status(204).send();
  });

  app.get("/widget/api/events", { schema: { querystring: eventsQuery, response: { 200: eventStream("The replies to this visitor"), ...refused } } }, async (request, reply) => {
    // EventSource sends no header: the page gets a one-minute ticket first, so no long-lived token sits in a url.
    const visitorId = deps.tokens.visitorOfTicket(request.query.ticket);
    if (!visitorId) return reply.status(401).send({ code: "unauthorized", message: "missing or expired events ticket" });
    // EventSource sends Last-Event-ID itself when it reconnects; a reloaded page passes `after`.
    let lastId = String(request.headers["last-event-id"] ?? request.query.after ?? "0");
    if (!/^\d+-\d+$|^0$/.test(lastId)) lastId = "0";
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", connection: "keep-alive", "x-accel-buffering": "no" });
    res.write(": connected\n\n");
    open.add(res);
    let flushing = Promise.resolve();
    const flush = () => {
      flushing = flushing.then(async () => {
        for (const entry of await deps.inbox.since(visitorId, lastId)) {
          const files = (entry.message.files ?? []).map((f) => ({
            kind: f.kind,
            fileName: f.fileName,
            url: `/widget/files/${f.fileId}?${deps.tokens.fileLinkQuery(visitorId, f.fileId)}`,
          }));
          const data = { text: entry.message.text, buttons: entry.message.buttons ?? [], files, ...(entry.message.alarm ? { alarm: entry.message.alarm } : {}) };
          res.write(`id: ${entry.id}\nevent: message\ndata: ${JSON.stringify(data)}\n\n`);
          lastId = entry.id;
        }
      }).catch((error) => request.log.warn({ err: error }, "widget stream"));
    };
    // Listen first, then catch up: a message pushed in between is read by one of the two flushes.
    const stop = await deps.inbox.listen(visitorId, flush);
    flush();
    const heartbeat = setInterval(() => res.write(": ping\n\n"), HEARTBEAT_MS);
    request.raw.on("close", () => {
      clearInterval(heartbeat);
      open.delete(res);
      void stop();
    });
  });

  app.get("/widget/files/:fileId", { schema: { params: z.object({ fileId: z.uuid() }), querystring: fileLinkQuery, response: { 200: file("application/octet-stream", "The file, with its own content type"), 403: errorBodySchema } } }, async (request, reply) => {
    const visitorId = deps.tokens.checkFileLink(request.params.fileId, request.query);
    if (!visitorId) return reply.status(403).send({ code: "forbidden", message: "the link is invalid or has expired" });
    const file = await deps.readFile(request.params.fileId);
    await deps.auditDownload(visitorId, file.id);
    return reply
      .headers({
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
        "content-disposition": `attachment; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
      })
      .type(file.mimeType)
      .send(file.bytes);
  });
};

