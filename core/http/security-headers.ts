import helmet, { type FastifyHelmetOptions } from "@fastify/helmet";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { renderAccountMessage } from "../account/account-page";
import { examPage } from "../exam/exam-page";

const root = join(import.meta.dirname, "..", "..");
type Directives = Record<string, string[]>;

export interface SecurityHeaderSettings {
  production: boolean;
  /** LiveKit's signalling address (ws/wss): the call page connects to it and to its http(s) twin. */
  livekitUrl: string;
  /** Who may put the web chat in a frame: the clinic's own site(s) (WIDGET_FRAME_ANCESTORS). */
  widgetFrameAncestors: string[];
}

const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
/**
 * Hashes of a page's inline `<style>` and executable `<script>` blocks. The pages are rendered here once from
 * their own templates, so a hash follows an edit of the template, while text injected into one response can
 * never be allowed (a JSON `<script type="application/json">` is data and needs no hash).
 */
const inlineHashes = (html: string) => ({
  styles: [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => sha256(m[1]!)),
  scripts: [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => sha256(m[1]!)),
});

/** What every response says unless its page needs more: own origin only, never in a frame. */
const strict = (production: boolean): Directives => ({
  "default-src": ["'self'"],
  "base-uri": ["'none'"],
  "object-src": ["'none'"],
  "form-action": ["'self'"],
  "frame-ancestors": ["'none'"],
  "script-src": ["'self'"],
  "script-src-attr": ["'none'"],
  "style-src": ["'self'"],
  "img-src": ["'self'", "data:", "blob:"],
  "font-src": ["'self'", "data:"],
  "connect-src": ["'self'"],
  "media-src": ["'self'", "blob:"],
  ...(production ? { "upgrade-insecure-requests": [] } : {}),
});

/**
 * Each page the service serves and the policy it needs, keyed by the route's url. The console (`/console/*`,
 * a Vite build of plain files) and the identity provider's callback page need nothing beyond the strict policy.
 */
function pagePolicies(settings: SecurityHeaderSettings): Record<string, FastifyHelmetOptions> {
  const base = strict(settings.production);
  const csp = (directives: Directives) => ({ contentSecurityPolicy: { useDefaults: false, directives: { ...base, ...directives } } });
  const widget = inlineHashes(readFileSync(join(root, "widget", "index.html"), "utf8"));
  const call = inlineHashes(readFileSync(join(root, "web-call", "index.html"), "utf8"));
  const exam = inlineHashes(examPage("ru", { mode: "app", endpoint: "/exam/app", intakeId: "00000000-0000-4000-8000-000000000000" }));
  const account = inlineHashes(renderAccountMessage("ru", "link_invalid"));
  const livekitHttp = settings.livekitUrl.replace(/^ws(s?):\/\//, "http$1://");
  const examPolicy = { "script-src": ["'self'", ...exam.scripts], "style-src": ["'self'", ...exam.styles] };
  const accountPolicy = csp({ "style-src": ["'self'", ...account.styles] });
  return {
    // In an iframe on the clinic's site, added by /widget/embed.js.
    "/widget": { ...csp({ "style-src": ["'self'", ...widget.styles], "frame-ancestors": settings.widgetFrameAncestors }), xFrameOptions: false },
    // Loaded by a <script> on the clinic's site, another origin.
    "/widget/embed.js": { crossOriginResourcePolicy: { policy: "cross-origin" } },
    "/call/:token": csp({
      "style-src": ["'self'", ...call.styles],
      "connect-src": ["'self'", settings.livekitUrl, livekitHttp],
      "media-src": ["'self'", "blob:", "mediastream:"],
    }),
    "/exam/link/:token": csp(examPolicy),
    // A Telegram Mini App: Telegram's script, and Telegram's web client (web.telegram.org/k, /a) shows it in an iframe.
    "/exam/app": {
      ...csp({ ...examPolicy, "script-src": [...examPolicy["script-src"], "https://telegram.org"], "frame-ancestors": ["https://web.telegram.org"] }),
      xFrameOptions: false,
    },
    "/account": accountPolicy,
    "/account/login": accountPolicy,
  };
}

/**
 * Helmet's headers on every response (CSP, X-Frame-Options, no referrer, HSTS in production), with a policy per
 * page. Registered before the routes: the onRoute hook gives each page route its own policy.
 */
export async function registerSecurityHeaders(app: FastifyInstance, settings: SecurityHeaderSettings): Promise<void> {
  const pages = pagePolicies(settings);
  app.addHook("onRoute", (route) => {
    const page = pages[route.url];
    // Read by helmet's own onRoute hook, which runs after this one (it is added later).
    if (page) route.helmet = page;
  });
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: strict(settings.production) },
    // Browsers remember HSTS for a year: only where the service is really behind TLS.
    strictTransportSecurity: settings.production ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    xFrameOptions: { action: "deny" },
    referrerPolicy: { policy: "no-referrer" },
  });
}
