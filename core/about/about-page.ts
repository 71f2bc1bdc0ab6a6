import { translator, type Language } from "../i18n";
import type { Disclosure } from "./disclosure";

const escape = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** One language's rendering of the disclosure; the page shows Russian and, below it, the patient's language. */
function section(d: Disclosure, language: Language): string {
  const t = translator(language, "about");
  const row = (label: string, value: string) => `<dt>${escape(t(label))}</dt><dd>${escape(value)}</dd>`;
  const doctors = d.doctors.map((doctor) => {
    const specialties = doctor.specialties.map((s) => (language === "ru" ? s.ru : s.en)).join(", ");
    const certificate = doctor.certificateNumber
      ? t("doctor_certificate", { number: doctor.certificateNumber, until: doctor.certificateValidUntil?.toISOString().slice(0, 10) ?? t("not_set") })
      : t("doctor_no_certificate");
    return `<li data-doctor><strong>${escape(doctor.name)}</strong> — ${escape(specialties)}<br><span class="muted">${escape(certificate)}</span></li>`;
  });
  const consents = d.consents.map(
    (c) =>
      `<details data-consent="${c.kind}"><summary>${escape(t(`consent.${c.kind}`))} — ${escape(t("version", { version: c.version }))}</summary><p>${escape(c.texts[language]).replaceAll("\n", "<br>")}</p></details>`,
  );
  return `<section lang="${language}">
<h1>${escape(t("title"))}</h1>
<dl>${row("clinic", d.clinic.name)}${row("license", d.clinic.license)}${row("address", d.clinic.address)}${row("information_system", d.informationSystem.name)}${row("information_system_operator", d.informationSystem.operator)}${row("personal_data_operator", d.personalData.operator)}${row("personal_data_contacts", d.personalData.contacts)}</dl>
<h2>${escape(t("doctors"))}</h2>
${doctors.length ? `<ul>${doctors.join("")}</ul>` : `<p class="muted">${escape(t("no_doctors"))}</p>`}
<h2>${escape(t("consents"))}</h2>
${consents.join("")}
</section>`;
}

/** `GET /about`: Russian always (the clinic's official language), then the patient's language when another. */
export function renderAboutPage(d: Disclosure, language: Language): string {
  const sections = [section(d, "ru"), ...(language === "ru" ? [] : [section(d, language)])];
  return `<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(translator("ru", "about")("title"))} — ${escape(d.clinic.name)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:46rem;margin:1.5rem auto;padding:0 1rem;color:#1d2733;line-height:1.45}
h1{font-size:1.45rem}h2{font-size:1.1rem;margin-top:1.4rem;border-bottom:1px solid #d6dde5;padding-bottom:.2rem}
dl{display:grid;grid-template-columns:minmax(8rem,14rem) 1fr;gap:.3rem 1rem}dt{color:#5b6775}dd{margin:0;overflow-wrap:anywhere}
@media (max-width:520px){dl{grid-template-columns:1fr}dd{margin-bottom:.4rem}}
ul{padding-left:1.1rem}li{margin:.4rem 0}.muted{color:#5b6775}details{margin:.4rem 0}summary{cursor:pointer}
section+section{margin-top:2.5rem;border-top:3px solid #d6dde5;padding-top:1rem}
</style></head><body>${sections.join("\n")}</body></html>`;
}
