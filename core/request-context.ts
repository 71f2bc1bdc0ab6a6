import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";

/**
 * The id of the HTTP request being served, for whatever it starts: a job queued while handling it carries the id
 * (an id, never patient data), so one grep of the logs follows a webhook from the api into the worker.
 */
const context = new AsyncLocalStorage<{ requestId: string }>();

export const runWithRequestId = <T>(requestId: string, run: () => T): T => context.run({ requestId }, run);
export const currentRequestId = (): string | undefined => context.getStore()?.requestId;

/** An id from the proxy in front (Caddy's X-Request-Id) when it looks like one, else a new one: nothing else is echoed. */
export const requestIdFrom = (header: string | string[] | undefined): string =>
  typeof header === "string" && /^[A-Za-z0-9._-]{8,64}$/.test(header) ? header : randomUUID();
