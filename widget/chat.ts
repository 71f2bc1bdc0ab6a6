/** The web chat page: the same dialogue as the bots, over POST (what the patient does) and SSE (the replies). */

import { alarm, withLinks } from "./reply-text";
import { keptLanguage, keepLanguage, loadToken, newId, saveToken } from "./visitor-storage";

type Button = { label: string; data?: string; url?: string; webApp?: string };
type Incoming = { text: string; buttons: Button[][]; files: Array<{ kind: string; fileName: string; url: string }>; alarm?: "emergency" };
/** The page's words in every language (locales/<lang>/channels.json `widget`), so it can follow the patient's choice. */
type Config = { language: string; texts: Record<string, Record<string, string>> };

const config = JSON.parse(document.getElementById("config")!.textContent!) as Config;
const MAX_UPLOAD = 12 * 1024 * 1024;

/** The language the patient chose in the chat (kept across reloads), else the one the page was opened in. */
let language = [keptLanguage(), config.language].find((l): l is string => !!l && l in config.texts) ?? config.language;
const t = (key: string, values: Record<string, string | number> = {}) =>
  (config.texts[language]?.[key] ?? key).replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(values[name] ?? ""));

const log = document.getElementById("log")!;
const status = document.getElementById("status")!;
const form = document.getElementById("composer") as HTMLFormElement;
const input = document.getElementById("text") as HTMLTextAreaElement;
const fileInput = document.getElementById("file") as HTMLInputElement;
const aboutLink = document.getElementById("about") as HTMLAnchorElement | null;

/** Header, placeholder, buttons and the page's language in the patient's language. */
function applyLanguage(): void {
  document.documentElement.lang = language;
  document.title = t("title");
  document.getElementById("title")!.textContent = t("title");
  document.getElementById("send")!.textContent = t("send");
  document.getElementById("attach-label")!.title = t("attach");
  input.placeholder = t("placeholder");
  if (aboutLink) aboutLink.href = `/about?lang=${encodeURIComponent(language)}`;
}
applyLanguage();

/** The dialogue's language buttons carry `lang:<code>`: the page switches with the conversation. */
function chooseLanguage(data: string): void {
  const chosen = /^lang:([a-z]{2})$/.exec(data)?.[1];
  if (!chosen || !(chosen in config.texts)) return;
  language = chosen;
  try {
    keepLanguage(chosen);
  } catch {
    // storage denied inside a third-party frame: the choice lasts as long as the page
  }
  applyLanguage();
}

function bubble(kind: "in" | "out" | "error", text: string): HTMLElement {
  const el = document.createElement("div");
  el.className = `msg ${kind}`;
  if (kind === "in") withLinks(el, text);
  else el.textContent = text;
  log.insertBefore(el, typing.isConnected ? typing : null);
  log.scrollTop = log.scrollHeight;
  return el;
}

/** "Replying…" while the bot works on what the patient sent; gone with the next reply (or after a while). */
const typing = document.createElement("div");
typing.className = "msg typing";
typing.setAttribute("role", "status");
typing.dataset.testid = "typing";
let typingTimer: ReturnType<typeof setTimeout> | undefined;
function showTyping(): void {
  typing.textContent = t("typing");
  log.appendChild(typing);
  log.scrollTop = log.scrollHeight;
  clearTimeout(typingTimer);
  typingTimer = setTimeout(hideTyping, 20_000);
}
function hideTyping(): void {
  clearTimeout(typingTimer);
  typing.remove();
}

class HttpError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}
/** The api limits requests per visitor and address (429 `rate_limited`): say so, not "check your connection". */
const failure = (error: unknown) => t(error instanceof HttpError && error.status === 429 ? "rate_limited" : "send_failed");

async function post(path: string, body: BodyInit, contentType: string): Promise<void> {
  const response = await fetch(path, { method: "POST", headers: { "content-type": contentType, authorization: `Bearer ${token}` }, body });
  if (response.status === 401) void expired();
  if (!response.ok) throw new HttpError(response.status);
}

/** Sends what the patient did; on failure says so and gives the text back, so nothing is lost. */
async function send(payload: { text: string } | { button: string }): Promise<boolean> {
  try {
    // Before the request: the reply can arrive over the stream before the POST's answer does.
    showTyping();
    await post("/widget/api/messages", JSON.stringify({ id: newId(), language, ...payload }), "application/json");
    return true;
  } catch (error) {
    hideTyping();
    bubble("error", failure(error));
    return false;
  }
}

function render(message: Incoming): void {
  hideTyping();
  const el = bubble("in", message.text);
  if (message.alarm === "emergency") alarm(el, message.text);
  for (const file of message.files) {
    const link = document.createElement("a");
    link.className = "file";
    link.href = file.url;
    link.download = file.fileName;
    link.textContent = t("download", { fileName: file.fileName });
    el.appendChild(link);
  }
  for (const row of message.buttons) {
    const line = document.createElement("div");
    line.className = "buttons";
    for (const button of row) {
      const href = button.url ?? button.webApp;
      if (href) {
        const link = document.createElement("a");
        link.href = href;
        link.target = "_blank";
        link.rel = "noopener noreferrer";
        link.textContent = button.label;
        line.appendChild(link);
      } else if (button.data) {
        const data = button.data;
        const element = document.createElement("button");
        element.type = "button";
        element.textContent = button.label;
        element.addEventListener("click", async () => {
          const all = el.querySelectorAll("button");
          all.forEach((b) => (b.disabled = true));
          bubble("out", button.label);
          chooseLanguage(data);
          if (!(await send({ button: data }))) all.forEach((b) => (b.disabled = false));
        });
        line.appendChild(element);
      }
    }
    if (line.childElementCount) el.appendChild(line);
  }
  log.scrollTop = log.scrollHeight;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = input.value.trim();
  if (!text) return;
  input.value = "";
  bubble("out", text);
  if (!(await send({ text }))) input.value = text;
});
input.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey) {
    event.preventDefault();
    form.requestSubmit();
  }
});
fileInput.addEventListener("change", async () => {
  const file = fileInput.files?.[0];
  fileInput.value = "";
  if (!file) return;
  if (file.size > MAX_UPLOAD) return void bubble("error", t("file_too_big", { megabytes: 10 }));
  bubble("out", `📎 ${file.name}`);
  const query = new URLSearchParams({ id: newId(), language, name: file.name });
  try {
    await post(`/widget/api/files?${query}`, file, "application/octet-stream");
  } catch (error) {
    bubble("error", failure(error));
  }
});

let token = loadToken();
let events: EventSource | undefined;
let lastId = "0";
let renewTimer: ReturnType<typeof setTimeout> | undefined;

/** POSTs with the visitor token; `undefined` when the server no longer accepts it. */
async function authorized<T>(path: string): Promise<T | undefined> {
  const response = await fetch(path, { method: "POST", headers: { authorization: `Bearer ${token}` } });
  if (response.status === 401) return undefined;
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return (await response.json()) as T;
}

/** The token is renewed half-way through its life while the page is open, so only a long absence ends the conversation. */
function keep(fresh: { token: string; expiresAt?: number }): void {
  token = fresh.token;
  saveToken(token);
  clearTimeout(renewTimer);
  const halfLifeMs = ((fresh.expiresAt ?? 0) * 1000 - Date.now()) / 2;
  renewTimer = setTimeout(() => void renew(), Math.min(Math.max(halfLifeMs, 60_000), 2 ** 31 - 1));
}
async function renew(): Promise<void> {
  const fresh = await authorized<{ token: string; expiresAt: number }>("/widget/api/session/renew").catch(() => null);
  if (fresh === undefined) return expired();
  if (fresh) keep(fresh);
  else renewTimer = setTimeout(() => void renew(), 60_000); // offline: try again soon
}

/** A reply stream opened with a one-minute ticket (EventSource cannot send the token as a header). */
async function listen(): Promise<void> {
  const ticket = await authorized<{ ticket: string }>("/widget/api/events/ticket");
  if (!ticket) return expired();
  events?.close();
  const source = new EventSource(`/widget/api/events?${new URLSearchParams({ ticket: ticket.ticket, after: lastId })}`);
  events = source;
  source.addEventListener("open", () => (status.textContent = ""));
  source.addEventListener("message", (event) => {
    const message = event as MessageEvent<string>;
    if (message.lastEventId) lastId = message.lastEventId;
    render(JSON.parse(message.data) as Incoming);
  });
  source.addEventListener("error", () => {
    status.textContent = t("offline");
    // EventSource retries by itself, but not once its ticket is refused: then it is closed and we open it anew.
    if (source.readyState === EventSource.CLOSED && events === source) setTimeout(() => void listen().catch(() => undefined), 2000);
  });
}

let restarting = false;
/** The token outlived its lifetime (the device slept longer than that): the patient is told and a new conversation starts. */
async function expired(): Promise<void> {
  if (restarting) return;
  restarting = true;
  events?.close();
  events = undefined;
  clearTimeout(renewTimer);
  token = "";
  lastId = "0";
  log.replaceChildren();
  bubble("error", t("session_expired"));
  await start().finally(() => (restarting = false));
}

/**
 * Private mode: a messenger notice links here with a one-time `login`; it becomes this page's visitor token for
 * the patient's secure chat. The link leaves the address bar (and the history) at once.
 */
async function secureLogin(): Promise<void> {
  const login = new URLSearchParams(location.search).get("login");
  if (!login) return;
  history.replaceState(null, "", location.pathname);
  const response = await fetch("/widget/api/secure-session", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ login }) });
  if (!response.ok) return void bubble("error", t("login_expired"));
  token = ((await response.json()) as { token: string }).token;
  saveToken(token);
}

async function start(): Promise<void> {
  status.textContent = t("connecting");
  await secureLogin();
  if (token) {
    // A returning visitor within the token's lifetime keeps the conversation; an older token starts a new one.
    const fresh = await authorized<{ token: string; expiresAt: number }>("/widget/api/session/renew");
    if (fresh) keep(fresh);
    else {
      token = "";
      bubble("error", t("session_expired"));
    }
  }
  const isNew = !token;
  if (isNew) {
    const response = await fetch("/widget/api/session", { method: "POST" });
    if (!response.ok) throw new HttpError(response.status);
    keep((await response.json()) as { token: string; expiresAt?: number });
  }
  // From the start of what is kept: a reloaded page shows the conversation again; EventSource resumes by itself.
  await listen();
  if (isNew) await send({ text: "/start" });
}

start().catch((error) => (status.textContent = error instanceof HttpError && error.status === 429 ? t("rate_limited") : t("offline")));

export {};
