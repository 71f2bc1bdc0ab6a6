import type { PDFDocument } from "pdf-lib";
import { assessment, bilingual, formatDate, header, section, title, type RenderInput } from "./render-documents";
import { PdfLayout } from "./pdf-layout";

export interface ConsiliumFacts {
  question: string;
  patientJoined: boolean;
  heldAt: Date;
  /** In signing order: the PDF's signatures follow it. */
  doctors: Array<{ name: string; specialties: string[] }>;
}

/**
 * The consilium's protocol (its conclusion, a protocol of kind `consilium`): the case, the question, the doctors,
 * the conclusion, and the list of those who sign it, each with their own signature added after this render.
 */
export async function renderConsilium(input: Omit<RenderInput, "doctorName"> & { consilium: ConsiliumFacts }): Promise<PDFDocument> {
  const { label } = bilingual(input.patientLanguage);
  const { consilium, protocol } = input;
  const layout = await PdfLayout.create(label("pdf.consilium.title"));
  header(layout, { ...input, doctorName: "" }, label);
  title(layout, label, "pdf.consilium.title");
  const notStated = label("pdf.not_stated");
  layout.text(`${label("pdf.patient")}: ${protocol.content.patient.fullName ?? notStated}`);
  const birth = protocol.content.patient.birthDate;
  layout.text(`${label("pdf.birth_date")}: ${birth ? formatDate(new Date(birth)) : notStated}`);
  layout.text(`${label("pdf.consilium.form")}: ${label("pdf.consilium.form_video")}, ${formatDate(consilium.heldAt)}`);
  layout.text(`${label("pdf.consilium.patient_present")}: ${label(consilium.patientJoined ? "pdf.consilium.yes" : "pdf.consilium.no")}`);
  section(layout, label("pdf.consilium.participants"), consilium.doctors.map((d, i) => `${i + 1}. ${d.name}${d.specialties.length ? ` (${d.specialties.join(", ")})` : ""}`).join("\n"));
  section(layout, label("pdf.consilium.question"), consilium.question);
  section(layout, label("pdf.complaints"), protocol.content.complaints);
  section(layout, label("pdf.objective"), protocol.content.objective);
  assessment(layout, { ...input, doctorName: "" }, label);
  section(layout, label("pdf.recommendations"), protocol.content.recommendations);
  section(
    layout,
    label("pdf.referrals"),
    protocol.content.referrals.map((r) => `• ${label(`pdf.referral_kind.${r.kind}`)}: ${r.target}${r.note ? ` (${r.note})` : ""}`).join("\n"),
  );
  layout.gap(14).rule();
  layout.text(label("pdf.consilium.signatures"), { bold: true });
  for (const doctor of consilium.doctors) layout.text(`${label("pdf.doctor")}: ${doctor.name}`, { indent: 14 });
  if (input.clinic.seal) layout.seal(await layout.doc.embedPng(input.clinic.seal));
  return layout.doc;
}
