import { PdfLayout } from "../documents/pdf-layout";
import { matchLanguage, translator } from "../i18n";
import type { PatientData } from "./patient-data-repository";

const when = (value: Date | string | null | undefined) =>
  value ? new Date(value).toISOString().slice(0, 16).replace("T", " ") : "—";

/** One line per item: its values joined, dates as "YYYY-MM-DD HH:mm" (UTC, stated in the header). */
const line = (...parts: Array<string | number | null | undefined>) =>
  parts.filter((p) => p !== null && p !== undefined && p !== "").join(" · ");

/** A protocol's fields as "field: value" lines; nested lists flattened. */
function flatten(value: unknown, prefix = ""): string[] {
  if (value === null || value === undefined || value === "") return [];
  if (Array.isArray(value)) return value.flatMap((item, i) => flatten(item, `${prefix}[${i + 1}]`));
  if (typeof value === "object") return Object.entries(value).flatMap(([key, child]) => flatten(child, prefix ? `${prefix}.${key}` : key));
  return [`${prefix}: ${String(value)}`];
}

/**
 * The readable copy of the export (the JSON is the complete, machine-readable one): every section, in the
 * patient's language, with the fonts the clinical documents use (Cyrillic, Uzbek and Azerbaijani Latin).
 */
export async function renderExportPdf(data: PatientData): Promise<Buffer> {
  const t = translator(matchLanguage(data.patient.language) ?? "ru", "rights");
  const pdf = await PdfLayout.create(t("export.title"));
  pdf.text(t("export.title"), { size: 16, bold: true }).gap(4);
  pdf.text(t("export.generated", { at: when(data.generatedAt), id: data.patient.id }), { color: "grey" }).rule();

  const section = (key: string, lines: string[]) => {
    pdf.gap(6).text(t(`export.section.${key}`), { size: 12, bold: true });
    if (!lines.length) pdf.text(t("export.none"), { color: "grey", indent: 8 });
    for (const text of lines) pdf.text(text, { indent: 8 });
  };

  section("patient", [line(t("export.language"), data.patient.language), line(t("export.since"), when(data.patient.createdAt)), line(t("export.identity"), data.patient.identityLevel)]);
  section("accounts", data.messengerAccounts.map((a) => line(a.channel, a.externalUserId, when(a.createdAt))));
  section("consents", data.consents.map((c) => line(c.kind, c.version, when(c.givenAt), c.withdrawnAt ? t("export.withdrawn", { at: when(c.withdrawnAt) }) : null)));
  section("identity", data.identityVerifications.map((v) => line(v.level, v.method, when(v.at))));
  section(
    "consultations",
    data.consultations.flatMap((c) => [
      line(`№ ${c.number}`, when(c.createdAt), c.specialty, c.status, c.doctor, c.outcome),
      ...c.messages.map((m) => `    ${line(when(m.createdAt), t(`export.author.${m.authorRole}`))}: ${m.text}${m.files.length ? ` [${m.files.join(", ")}]` : ""}`),
    ]),
  );
  section("intakes", data.intakes.map((i) => line(when(i.createdAt), i.complaint, i.area, i.format, i.redFlags.join(", "))));
  section(
    "protocols",
    data.protocols.flatMap((p) => [line(`№ ${p.consultationNumber}`, `v${p.version}`, when(p.signedAt), p.doctor), ...flatten(p.content).map((l) => `    ${l}`)]),
  );
  section("documents", data.documents.map((d) => line(d.kind, when(d.createdAt))));
  section("visits", data.inPersonVisits.map((v) => line(when(v.visitedAt), v.icd10Code, v.problem, v.source)));
  section("video", data.videoVisits.map((v) => line(when(v.requestedAt), v.specialty, v.status, v.durationSeconds ? `${Math.round(v.durationSeconds / 60)} min` : null)));
  section("appointments", data.appointments.map((a) => line(when(a.slot.startsAt), a.slot.specialty, a.status)));
  section("readings", data.readings.map((r) => line(when(r.measuredAt), r.kind, r.value2 === null ? r.value : `${r.value}/${r.value2}`, r.deviceId)));
  section("alerts", data.monitoringAlerts.map((a) => line(when(a.openedAt), a.metric, a.level, a.lastValue, a.status)));
  section(
    "labs",
    data.labOrders.flatMap((o) => [
      line(`№ ${o.number}`, when(o.createdAt), o.status, o.tests.join(", ")),
      ...o.results.map((r) => `    ${line(r.display ?? r.code, r.valueNumber ?? r.valueText, r.unit, r.refText, r.abnormal ? "!" : null)}`),
    ]),
  );
  section("medications", data.medicationSchedules.map((m) => line(m.medicine, m.dose, m.timesOfDay.join(", "), `${m.startDate} — ${m.endDate}`)));
  section("reminders", data.reminders.map((r) => line(when(r.dueAt), r.kind, r.status, r.answer)));
  section("devices", data.deviceTokens.map((d) => line(d.label, when(d.createdAt), d.revokedAt ? t("export.withdrawn", { at: when(d.revokedAt) }) : null)));
  return Buffer.from(await pdf.doc.save());
}
