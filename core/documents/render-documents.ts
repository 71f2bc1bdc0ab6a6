import type { PDFDocument } from "pdf-lib";
import type { Icd10Catalogue } from "../icd10/icd10";
import type { Protocol } from "../protocols/protocol";
import { documentTexts } from "./document-texts";
import { PdfLayout } from "./pdf-layout";

/** The documents rendered from one doctor's protocol; a consilium's is rendered and signed in core/consilia. */
export const documentKinds = ["report", "prescription", "referral", "second_opinion"] as const;
export type RenderedKind = (typeof documentKinds)[number];
export type DocumentKind = RenderedKind | "consilium";

export interface ClinicInfo {
  name: string;
  licence: string;
  address: string;
  /** PNG bytes of the seal, when configured. */
  seal?: Buffer;
}

export interface RenderInput {
  protocol: Protocol;
  previousVersion?: number;
  doctorName: string;
  patientLanguage: string;
  clinic: ClinicInfo;
  icd10: Icd10Catalogue;
  /** For a second opinion: the names of the documents the patient sent, listed as reviewed. */
  reviewedFiles?: string[];
}

/**
 * Which documents a signed protocol yields: the report (for a second-opinion consultation, the conclusion in its
 * place), a prescription and a referral when it holds them; a consilium's conclusion is its own document.
 */
export const documentsFor = (protocol: Protocol, consultationKind: "async_chat" | "second_opinion" = "async_chat"): DocumentKind[] =>
  protocol.kind === "consilium" ? ["consilium"] : documentKinds.filter(
    (kind) =>
      (kind === "report" && consultationKind !== "second_opinion") ||
      (kind === "second_opinion" && consultationKind === "second_opinion") ||
      (kind === "prescription" && protocol.content.prescriptions.length > 0) ||
      (kind === "referral" && protocol.content.referrals.length > 0),
  );

/** Russian always (the clinic's records), followed by the patient's language where it differs. */
export function bilingual(language: string) {
  const ru = documentTexts("ru");
  const other = language === "ru" ? undefined : documentTexts(language);
  const label = (key: string, options?: Record<string, unknown>) => {
    const first = ru(key, options) as string;
    const second = other?.(key, options) as string | undefined;
    return second && second !== first ? `${first} / ${second}` : first;
  };
  return { ru, label };
}

/** A title in Russian, with the patient's language on its own line below. */
export function title(layout: PdfLayout, label: Label, key: string, transform = (s: string) => s) {
  const [first, second] = label(key).split(" / ");
  layout.gap(8).text(transform(first!), { size: 15, bold: true });
  if (second) layout.text(transform(second), { size: 12, bold: true, color: "grey" });
  layout.gap(4);
}

export const formatDate = (date: Date) =>
  `${String(date.getUTCDate()).padStart(2, "0")}.${String(date.getUTCMonth() + 1).padStart(2, "0")}.${date.getUTCFullYear()}`;

export async function renderDocument(kind: RenderedKind, input: RenderInput): Promise<PDFDocument> {
  const { label } = bilingual(input.patientLanguage);
  const layout = await PdfLayout.create(label(`pdf.${kind}_title`));
  header(layout, input, label);
  if (kind === "report") report(layout, input, label);
  if (kind === "prescription") prescription(layout, input, label);
  if (kind === "referral") referral(layout, input, label);
  if (kind === "second_opinion") secondOpinion(layout, input, label);
  await footer(layout, input, label);
  return layout.doc;
}

export type Label = (key: string, options?: Record<string, unknown>) => string;

export function header(layout: PdfLayout, { clinic, protocol, previousVersion }: RenderInput, label: Label) {
  layout.text(clinic.name, { size: 12, bold: true });
  layout.text(`${label("pdf.licence")}: ${clinic.licence}`, { size: 9, color: "grey" });
  layout.text(clinic.address, { size: 9, color: "grey" });
  layout.rule().gap(4);
  layout.text(label("pdf.consultation", { number: protocol.consultationNumber, version: protocol.version }), { size: 9 });
  if (previousVersion) layout.text(label("pdf.corrects", { version: previousVersion }), { size: 9 });
  layout.text(`${label("pdf.date")}: ${formatDate(protocol.signedAt ?? new Date())}`, { size: 9 });
}

function patientBlock(layout: PdfLayout, { protocol, doctorName }: RenderInput, label: Label) {
  const notStated = label("pdf.not_stated");
  layout.text(`${label("pdf.patient")}: ${protocol.content.patient.fullName ?? notStated}`);
  const birth = protocol.content.patient.birthDate;
  layout.text(`${label("pdf.birth_date")}: ${birth ? formatDate(new Date(birth)) : notStated}`);
  layout.text(`${label("pdf.doctor")}: ${doctorName}`);
}

export function section(layout: PdfLayout, title: string, body: string) {
  if (!body.trim()) return;
  layout.gap(6).text(title, { bold: true, size: 11 }).text(body);
}

export function assessment(layout: PdfLayout, { protocol, icd10 }: RenderInput, label: Label) {
  const { kind, text, codes } = protocol.content.assessment;
  const lines = [text, ...codes.map((code) => `${code} — ${icd10.get(code)?.ru ?? ""}`.replace(/ — $/, ""))].filter(Boolean);
  section(layout, label(`pdf.assessment_${kind}`), lines.join("\n"));
}

function report(layout: PdfLayout, input: RenderInput, label: Label) {
  const { content } = input.protocol;
  title(layout, label, "pdf.report_title");
  patientBlock(layout, input, label);
  section(layout, label("pdf.complaints"), content.complaints);
  section(layout, label("pdf.objective"), content.objective);
  assessment(layout, input, label);
  section(
    layout,
    label("pdf.colleague_answers"),
    content.colleagueAnswers.map((c) => `• ${c.colleagueName}, ${formatDate(new Date(c.answeredAt))}: ${c.answer}`).join("\n"),
  );
  section(layout, label("pdf.recommendations"), content.recommendations);
  section(
    layout,
    label("pdf.referrals"),
    content.referrals.map((r) => `• ${label(`pdf.referral_kind.${r.kind}`)}: ${r.target}${r.note ? ` (${r.note})` : ""}`).join("\n"),
  );
  section(
    layout,
    label("pdf.prescriptions"),
    content.prescriptions
      .map((p) => `• ${p.medicine} ${p.dose}, ${p.schedule}, ${p.durationDays} — ${label(`pdf.treatment_change.${p.treatmentChange}`)}`)
      .join("\n"),
  );
  if (input.protocol.primary) layout.gap(6).text(label("pdf.primary_note"), { size: 9, color: "grey" });
}

/** The written conclusion on documents the patient brought (issue 18 point 3); the guardrail shaped what it may say. */
function secondOpinion(layout: PdfLayout, input: RenderInput, label: Label) {
  const { content } = input.protocol;
  title(layout, label, "pdf.second_opinion_title");
  patientBlock(layout, input, label);
  section(layout, label("pdf.second_opinion_question"), content.complaints);
  section(layout, label("pdf.second_opinion_reviewed"), (input.reviewedFiles ?? []).map((name) => `• ${name}`).join("\n"));
  section(layout, label("pdf.objective"), content.objective);
  layout.gap(6).text(label("pdf.second_opinion_conclusion"), { bold: true, size: 12 });
  assessment(layout, input, label);
  section(layout, label("pdf.recommendations"), content.recommendations);
  section(layout, label("pdf.referrals"), content.referrals.map((r) => `• ${label(`pdf.referral_kind.${r.kind}`)}: ${r.target}`).join("\n"));
  if (input.protocol.primary) layout.gap(6).text(label("pdf.primary_note"), { size: 9, color: "grey" });
}

/** Modelled on form 107-1/u (Order of the Ministry of Health No. 1094n of 24.11.2021). */
function prescription(layout: PdfLayout, input: RenderInput, label: Label) {
  layout.gap(4).rightText("Форма № 107-1/у, приказ Минздрава России от 24.11.2021 № 1094н");
  layout.gap(6);
  title(layout, label, "pdf.prescription_title", (s) => s.toUpperCase());
  patientBlock(layout, input, label);
  for (const p of input.protocol.content.prescriptions) {
    layout.gap(8).text(`Rp.: ${p.medicine} ${p.dose}`, { bold: true, size: 11 });
    layout.text(`D.S. ${p.schedule}`, { indent: 14 });
    layout.text(`${label("pdf.duration")}: ${p.durationDays}; ${label(`pdf.treatment_change.${p.treatmentChange}`)}`, { indent: 14 });
    if (p.note) layout.text(p.note, { indent: 14, color: "grey" });
  }
  layout.gap(8).text(label("pdf.valid_for"), { size: 9 });
}

function referral(layout: PdfLayout, input: RenderInput, label: Label) {
  title(layout, label, "pdf.referral_title");
  patientBlock(layout, input, label);
  assessment(layout, input, label);
  for (const r of input.protocol.content.referrals) {
    layout.gap(6).text(label(`pdf.referral_kind.${r.kind}`), { bold: true, size: 11 }).text(r.target);
    if (r.note) layout.text(r.note, { color: "grey" });
  }
}

async function footer(layout: PdfLayout, { clinic, doctorName }: RenderInput, label: Label) {
  layout.gap(14).rule();
  layout.text(`${label("pdf.doctor")}: ${doctorName}`, { bold: true });
  layout.text(label("pdf.signed_note"), { size: 9, color: "grey" });
  if (clinic.seal) layout.seal(await layout.doc.embedPng(clinic.seal));
}

