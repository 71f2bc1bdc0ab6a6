import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { joinGrantSchema } from "../../video/call-access";
import type { CallLinks } from "../../video/call-links";
import { htmlPage, noContent, text } from "../responses";
import type { VideoService } from "../../video/video-service";

const root = join(import.meta.dirname, "..", "..", "..");
const pageLanguages = ["ru", "en", "uz", "tg", "ky", "az"] as const;
const tokenParams = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/) });
const deviceBody = z.object({ device: z.string().regex(/^[A-Za-z0-9-]{8,64}$/) });

/** The page's texts straight from locales/<lang>/video.json (`call`), for every language the page speaks. */
function pageTexts(language: string): Record<string, string> {
  const lang = pageLanguages.find((l) => l === language) ?? "ru";
  return JSON.parse(readFileSync(join(root, "locales", lang, "video.json"), "utf8")).call;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function renderPage(language: string, videoServer: string): string {
  // The video server's http(s) address: the page's check reaches it before joining (the CSP allows it already).
  const texts: Record<string, string> = { ...pageTexts(language), video_server_url: videoServer.replace(/^ws(s?):\/\//, "http$1://") };
  // `<` inside the JSON would let a text close the script element
  const json = JSON.stringify(texts).replace(/</g, "\\u003c");
  return readFileSync(join(root, "web-call", "index.html"), "utf8")
    .replace("{{lang}}", escapeHtml(language))
    .replace("{{title}}", escapeHtml(texts.title!))
    .replace("{{texts}}", json);
}

let bundle: Promise<string> | undefined;
/** livekit-client and the page script, bundled once per process with esbuild. */
function callBundle(): Promise<string> {
  bundle ??= import("esbuild").then(async (esbuild) => {
    const result = await esbuild.build({
      entryPoints: [join(root, "web-call", "call.ts")],
      bundle: true,
      format: "esm",
      target: "es2020",
      minify: true,
      write: false,
      logLevel: "silent",
    });
    return result.outputFiles[0]!.text;
  });
  return bundle;
}

/**
 * The browser call page: `/call/<link token>` from the bot (patient) or the console (doctor, interpreter).
 * Links carry a secret, so nothing here is cached and no Referer leaves the page.
 */
export function registerCallPage(app: FastifyInstance, deps: { video: VideoService; links: CallLinks }, videoServerUrl: string): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const noStore = { "cache-control": "no-store", "referrer-policy": "no-referrer", "x-content-type-options": "nosniff" };

  api.get("/call/:token", { schema: { params: tokenParams, response: { 200: htmlPage("The call page") } } }, async (request, reply) => {
    const link = await deps.links.peek(request.params.token);
    return reply.headers(noStore).type("text/html; charset=utf-8").send(renderPage(link?.language ?? "ru", videoServerUrl));
  });

  api.get("/call-assets/call.js", { schema: { response: { 200: text("text/javascript", "The call page's script") } } }, async (_request, reply) =>
    reply.header("cache-control", "no-cache").type("text/javascript; charset=utf-8").send(await callBundle()),
  );

  /** The page's connection check: a round trip to the api. */
  api.get("/call/:token/ping", { schema: { params: tokenParams, response: { 204: noContent } } }, async (_request, reply) => reply.headers(noStore).status(204).send());

  api.post("/call/:token/join", { schema: { params: tokenParams, body: deviceBody, response: { 200: joinGrantSchema } } }, async (request, reply) =>
    reply.headers(noStore).send(await deps.video.join(request.params.token, request.body.device)),
  );

  api.post("/call/:token/end", { schema: { params: tokenParams, body: deviceBody, response: { 204: noContent } } }, async (request, reply) => {
    await deps.video.endFromLink(request.params.token, request.body.device);
    return reply.headers(noStore).status(204).send();
  });
}
