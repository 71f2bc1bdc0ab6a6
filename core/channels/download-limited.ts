import { FileTooLargeError } from "./channel";

/**
 * Fetches a messenger's file, stopping as soon as it grows past `maxBytes` (a declared Content-Length
 * is refused before reading): a patient's 2 GB video must not be pulled into memory to be refused.
 */
export async function downloadLimited(url: string, maxBytes: number, timeoutMs = 60_000): Promise<Buffer> {
  // A download that never ends would hold the inbound worker, which takes one event at a time.
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok || !response.body) throw new Error(`file download answered ${response.status}`);
  const declared = Number(response.headers.get("content-length") ?? NaN);
  if (declared > maxBytes) {
    await response.body.cancel();
    throw new FileTooLargeError(maxBytes);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > maxBytes) throw new FileTooLargeError(maxBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
