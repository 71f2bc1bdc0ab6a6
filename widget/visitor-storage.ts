/** What the chat page keeps in the browser: the visitor token and the chosen language; and its message ids. */

const TOKEN_KEY = "telecons.widget.token";
const LANGUAGE_KEY = "telecons.widget.language";

/** crypto.randomUUID needs a secure context; a clinic testing on a LAN address over http has none. */
export function newId(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function keptLanguage(): string | undefined {
  try {
    return localStorage.getItem(LANGUAGE_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

export function keepLanguage(chosen: string): void {
  localStorage.setItem(LANGUAGE_KEY, chosen);
}

/**
 * The visitor token lives in this origin's localStorage. Inside a clinic's site the browser may deny that
 * storage to a third-party frame: then the embed script keeps the token on the clinic's side, hands it
 * over in the frame's URL fragment and gets new ones by postMessage.
 */
export function loadToken(): string {
  try {
    const kept = localStorage.getItem(TOKEN_KEY);
    if (kept) return kept;
  } catch {
    // storage denied: fall through to what the embedding page gave us
  }
  return new URLSearchParams(location.hash.slice(1)).get("token") ?? "";
}

export function saveToken(value: string): void {
  try {
    localStorage.setItem(TOKEN_KEY, value);
  } catch {
    // storage denied: the embedding page keeps it (below)
  }
  if (window.parent !== window) window.parent.postMessage({ type: "telecons-widget-token", token: value }, "*");
}
