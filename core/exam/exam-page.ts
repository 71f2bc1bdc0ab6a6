import { translator, type Language } from "../i18n";
import { bodyMapSvg } from "./body-map-svg";
import { durationSchema } from "./exam-result";

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Collects the form into the examResultSchema shape and posts it; plain script so the page needs no build step. */
const script = `
const body = document.body;
const selected = new Set();
for (const region of document.querySelectorAll("[data-region]")) {
  const toggle = () => {
    const name = region.dataset.region;
    if (selected.has(name)) selected.delete(name); else selected.add(name);
    region.classList.toggle("on", selected.has(name));
    region.setAttribute("aria-checked", String(selected.has(name)));
  };
  region.addEventListener("click", toggle);
  region.addEventListener("keydown", (e) => { if (e.key === " " || e.key === "Enter") { e.preventDefault(); toggle(); } });
}
const severity = document.getElementById("severity");
severity.addEventListener("input", () => { document.getElementById("severity-value").textContent = severity.value; });
document.getElementById("exam").addEventListener("submit", async (event) => {
  event.preventDefault();
  const status = document.getElementById("status");
  const form = new FormData(event.target);
  const exam = {
    regions: [...selected],
    severity: Number(form.get("severity")),
    duration: form.get("duration"),
    symptoms: String(form.get("symptoms") || "").split(",").map((s) => s.trim()).filter(Boolean),
    medicines: String(form.get("medicines") || ""),
    allergies: String(form.get("allergies") || ""),
  };
  const payload = body.dataset.mode === "app"
    ? { exam, intakeId: body.dataset.intake, initData: (window.Telegram && window.Telegram.WebApp && window.Telegram.WebApp.initData) || "" }
    : { exam };
  status.textContent = body.dataset.sending;
  const response = await fetch(body.dataset.endpoint, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(payload) });
  status.textContent = response.ok ? body.dataset.done : body.dataset.failed;
  if (response.ok) {
    event.target.querySelector("button").disabled = true;
    if (window.Telegram && window.Telegram.WebApp && window.Telegram.WebApp.close) setTimeout(() => window.Telegram.WebApp.close(), 1500);
  }
});`;

// The patient pages' one look (as the web chat, account and call pages): light ground, blue title bar, blue buttons.
const style = `body{font:16px system-ui,sans-serif;margin:0 auto;max-width:720px;padding:0 12px 12px;background:#f4f6f9;color:#1b2230}
h1{margin:0 -12px 12px;padding:12px 16px;font-size:17px;background:#2a6df4;color:#fff}
.maps{display:flex;gap:16px;justify-content:center}figure{margin:0;text-align:center}
rect{fill:#e8eef3;stroke:#7a8b99;stroke-width:.8;cursor:pointer}rect.on{fill:#e0533d}rect:focus{outline:none;stroke:#1b5fa8;stroke-width:2}
label{display:block;margin:12px 0 4px}input[type=text],textarea,select{width:100%;box-sizing:border-box;font:inherit}
button{margin-top:16px;font:inherit;padding:10px 20px;border:0;border-radius:8px;background:#2a6df4;color:#fff;cursor:pointer}#status{min-height:1.5em}`;

/** The body-map page in the patient's language; `mode` says how it proves who submits (a one-time link or Telegram initData). */
export function examPage(language: Language, target: { mode: "link"; endpoint: string } | { mode: "app"; endpoint: string; intakeId: string }): string {
  const t = translator(language, "exam");
  const bot = translator(language);
  const durations = durationSchema.options
    .map((d) => `<option value="${d}">${escape(bot(`intake.exam.duration.${d}`))}</option>`)
    .join("");
  const data = [
    `data-mode="${target.mode}"`,
    `data-endpoint="${escape(target.endpoint)}"`,
    target.mode === "app" ? `data-intake="${escape(target.intakeId)}"` : "",
    `data-sending="${escape(t("sending"))}"`,
    `data-done="${escape(t("done"))}"`,
    `data-failed="${escape(t("failed"))}"`,
  ].join(" ");
  return `<!doctype html><html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escape(t("title"))}</title><style>${style}</style>
${target.mode === "app" ? '<script src="https://telegram.org/js/telegram-web-app.js" async></script>' : ""}</head>
<body ${data}><h1>${escape(t("title"))}</h1><p>${escape(t("intro"))}</p>
<form id="exam"><div class="maps">${bodyMapSvg("front", escape(t("front")))}${bodyMapSvg("back", escape(t("back")))}</div>
<label for="severity">${escape(t("severity"))}: <output id="severity-value">5</output></label>
<input id="severity" name="severity" type="range" min="1" max="10" value="5">
<label for="duration">${escape(t("duration"))}</label><select id="duration" name="duration">${durations}</select>
<label for="symptoms">${escape(t("symptoms"))}</label><input id="symptoms" name="symptoms" type="text" maxlength="1000">
<label for="medicines">${escape(t("medicines"))}</label><textarea id="medicines" name="medicines" maxlength="2000"></textarea>
<label for="allergies">${escape(t("allergies"))}</label><textarea id="allergies" name="allergies" maxlength="2000"></textarea>
<button type="submit">${escape(t("submit"))}</button><p id="status" role="status"></p></form>
<script>${script}</script></body></html>`;
}

/** A link that is used or expired: said plainly, in the link holder's language when we know it. */
export function examLinkGone(language: Language): string {
  const t = translator(language, "exam");
  return `<!doctype html><html lang="${language}"><meta charset="utf-8"><meta name="viewport" content="width=device-width"><p>${escape(t("link_gone"))}</p></html>`;
}
