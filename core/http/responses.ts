import type { FastifyReply } from "fastify";
import { z } from "zod";

/**
 * Response schemas for answers that are not a JSON body: an empty answer, a redirect, a page, a script, a file,
 * an event stream. Fastify sends strings and Buffers as they are; these say in the OpenAPI document what they are.
 */
export const noContent = z.undefined().describe("No content");

export const redirect = (to: string) => z.undefined().describe(`Redirect to ${to}`);

const body = (mimeType: string, description: string, schema: z.ZodType) => ({ description, content: { [mimeType]: { schema } } });

export const htmlPage = (description: string) => body("text/html", description, z.string());

export const text = (mimeType: string, description: string) => body(mimeType, description, z.string());

/** A file's bytes (a PDF, an image): a Buffer, sent unchanged. */
export const binary = z.instanceof(Buffer).meta({ type: "string", format: "binary" });

export const file = (mimeType: string, description: string) => body(mimeType, description, binary);

/** Server-sent events, written to the raw socket: the schema names the stream, not each event. */
export const eventStream = (description: string) => body("text/event-stream", description, z.string());

/** A stored file shown to staff: inline, with its own type, never cached by the browser nor sniffed. */
export const sendStoredFile = (reply: FastifyReply, file: { mimeType: string; fileName: string; bytes: Buffer }) =>
  reply
    .header("content-type", file.mimeType)
    .header("cache-control", "no-store")
    .header("x-content-type-options", "nosniff")
    .header("content-disposition", `inline; filename*=UTF-8''${encodeURIComponent(file.fileName)}`)
    .send(file.bytes);
