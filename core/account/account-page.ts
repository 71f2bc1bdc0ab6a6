import { documentLanguage, documentTexts } from "../documents/document-texts";
import { matchLanguage, translator } from "../i18n";
import type { AccountOverview } from "./account-service";

const escape = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

const day = (date: Date) => date.toISOString().slice(0, 10);

const page = (language: string, title: string, body: string) => `<!doctype html>
<html lang="${documentLanguage(language)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:42rem;margin:0 auto;padding:0 1rem 1rem;color:#1b2230;background:#f4f6f9;line-height:1.45}
h1{margin:0 -1rem 1rem;padding:12px 16px;font-size:17px;background:#2a6df4;color:#fff}h2{font-size:1.1rem;margin-top:1.6rem;border-bottom:1px solid #d6dde5;padding-bottom:.2rem}
ul{padding-left:1.1rem}li{margin:.35rem 0}.muted{color:#5b6775}.notice{background:#fff6e0;border:1px solid #e9c46a;padding:.7rem;border-radius:.4rem}
a.download{margin-left:.5rem}button{font:inherit;padding:6px 12px;border:0;border-radius:8px;background:#2a6df4;color:#fff;cursor:pointer}
table{border-collapse:collapse;margin:.3rem 0;font-size:.95rem}td{padding:.15rem .6rem .15rem 0}tr.abnormal td{color:#b42318;font-weight:600}
</style></head><body>${body}<p class="muted"><a href="/about?lang=${documentLanguage(language)}">${escape(translator(documentLanguage(language), "about")("title"))}</a></p></body></html>`;

/** The account as one server-rendered page in the patient's language; downloads are links, refused server-side when not allowed. */
export function renderAccountPage(overview: AccountOverview, options: { dataRights?: boolean } = {}): string {
  const t = documentTexts(overview.language);
  const list = (items: string[]) => (items.length ? `<ul>${items.join("")}</ul>` : `<p class="muted">${escape(t("account.nothing"))}</p>`);
  const consultations = overview.consultations.map(
    (c) =>
      `<li>${escape(t("account.consultation", { number: c.number, date: day(c.createdAt) }))} <span class="muted">(${escape(t(`account.status.${c.status}`))})</span></li>`,
  );
  const protocols = overview.protocols.map(
    (p) => `<li>${escape(t("account.protocol", { number: p.consultationNumber, version: p.version, date: day(p.signedAt) }))}</li>`,
  );
  const documents = overview.documents.map((d) => {
    const name = `${escape(t(`account.document_kind.${d.kind}`))} — № ${d.consultationNumber}, v${d.version}`;
    const link = overview.canDownload ? `<a class="download" href="/account/documents/${d.id}">${escape(t("account.download"))}</a>` : "";
    return `<li data-document="${d.id}">${name}${link}</li>`;
  });
  const notice =
    !overview.canDownload && overview.documents.length
      ? `<p class="notice" id="verify">${escape(t("account.verify_needed"))}</p>`
      : "";
  const resultsNotice = overview.hiddenLabOrders ? `<p class="notice" id="verify-results">${escape(t("account.results_verify_needed"))}</p>` : "";
  const labOrders = overview.labOrders.map((order) => {
    const title = t("account.lab_order", { number: order.number, lab: order.labName ?? t("account.lab_no_lab") });
    const rows = order.results.map(
      (r) =>
        `<tr${r.abnormal ? ' class="abnormal"' : ""}><td>${escape(r.name)}</td><td>${escape([r.value, r.unit].filter(Boolean).join(" "))}</td>` +
        `<td class="muted">${r.referenceRange ? escape(t("account.lab_reference", { range: r.referenceRange })) : ""}</td>` +
        `<td>${r.abnormal ? escape(t("account.lab_abnormal")) : ""}</td></tr>`,
    );
    const table = rows.length ? `<table>${rows.join("")}</table>` : "";
    return `<li data-lab-order="${order.number}">${escape(title)} <span class="muted">(${escape(t(`account.lab_status.${order.status}`))})</span>${table}</li>`;
  });
  // An unverified patient is told up front where the documents will be and how to unlock them (issue 16).
  const identity = overview.canDownload ? "" : `<p class="notice" id="identity-how">${escape(t("account.identity_how"))}</p>`;
  return page(
    overview.language,
    t("account.title"),
    `<h1>${escape(t("account.title"))}</h1>${identity}
<h2>${escape(t("account.consultations"))}</h2>${list(consultations)}
<h2>${escape(t("account.protocols"))}</h2>${list(protocols)}
<h2>${escape(t("account.documents"))}</h2>${notice}${list(documents)}
<h2>${escape(t("account.results"))}</h2>${resultsNotice}${resultsNotice ? "" : list(labOrders)}
${options.dataRights ? dataRightsSection(overview) : ""}
<form method="post" action="/account/logout"><button>${escape(t("account.logout"))}</button></form>`,
  );
}

export function renderAccountMessage(language: string, key: "link_invalid" | "session_expired"): string {
  const t = documentTexts(language);
  return page(language, t("account.title"), `<h1>${escape(t("account.title"))}</h1><p>${escape(t(`account.${key}`))}</p>`);
}

/** 152-FZ: a copy of one's data (verified patients: it holds health data) and erasure (confirmed by a tick). */
function dataRightsSection(overview: AccountOverview): string {
  const r = translator(matchLanguage(overview.language) ?? "ru", "rights");
  const download = overview.canDownload
    ? `<p id="my-data"><a href="/account/my-data.pdf">${escape(r("account.pdf"))}</a> · <a href="/account/my-data.json">${escape(r("account.json"))}</a></p>`
    : `<p class="notice" id="my-data-verify">${escape(r("account.verify_needed"))}</p>`;
  return `<h2>${escape(r("account.title"))}</h2>${download}
<form method="post" action="/account/delete" id="erase"><p>${escape(r("account.erase_explained"))}</p>
<label><input type="checkbox" required> ${escape(r("account.erase_confirm"))}</label> <button>${escape(r("account.erase"))}</button></form>`;
}

export function renderErasureAccepted(language: string): string {
  const r = translator(matchLanguage(language) ?? "ru", "rights");
  return page(language, r("account.title"), `<h1>${escape(r("account.title"))}</h1><p id="erasure-accepted">${escape(r("account.erase_accepted"))}</p>`);
}
