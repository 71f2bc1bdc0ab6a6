/**
 * What a clinic puts on its site: `<script src="https://<telecons>/widget/embed.js" async></script>`.
 * Adds a chat button that opens the widget page in an iframe, so the visitor's token and the chat live on
 * the service's origin, not the clinic's.
 */
const script = document.currentScript as HTMLScriptElement | null;
const origin = new URL(script?.src ?? "/", location.href).origin;
const lang = script?.dataset.lang ?? document.documentElement.lang ?? "";

// Browsers may deny a third-party frame its storage: the visitor token is then kept here, on the clinic's side.
const TOKEN_KEY = "telecons.widget.token";
const kept = (() => {
  try {
    return localStorage.getItem(TOKEN_KEY) ?? "";
  } catch {
    return "";
  }
})();
window.addEventListener("message", (event) => {
  const data = event.data as { type?: string; token?: string } | null;
  if (event.origin !== origin || data?.type !== "telecons-widget-token" || typeof data.token !== "string") return;
  try {
    localStorage.setItem(TOKEN_KEY, data.token);
  } catch {
    // nowhere to keep it: the next visit starts a new conversation
  }
});

const frame = document.createElement("iframe");
frame.src = `${origin}/widget${lang ? `?lang=${encodeURIComponent(lang)}` : ""}${kept ? `#token=${encodeURIComponent(kept)}` : ""}`;
frame.title = "Telecons";
frame.style.cssText =
  "position:fixed;right:16px;bottom:84px;width:min(380px,calc(100vw - 32px));height:min(600px,calc(100vh - 110px));border:0;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.25);z-index:2147483646;display:none;background:#fff";

const button = document.createElement("button");
button.type = "button";
button.setAttribute("aria-label", "Chat");
button.textContent = "💬";
button.style.cssText =
  "position:fixed;right:16px;bottom:16px;width:56px;height:56px;border-radius:50%;border:0;background:#2a6df4;color:#fff;font-size:26px;cursor:pointer;z-index:2147483647;box-shadow:0 4px 14px rgba(0,0,0,.25)";
button.addEventListener("click", () => {
  frame.style.display = frame.style.display === "none" ? "block" : "none";
});

document.body.append(frame, button);

export {};
