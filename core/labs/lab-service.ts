import { z } from "zod";
import type { Actor } from "../audit/audit-log";
import type { ProcessingConsent } from "../consents/processing-consent";
import { AppError, notFound } from "../errors";
import type { PatientNotifier } from "../patients/patient-notifier";
import type { ConsoleEvents } from "../realtime/console-events";
import {
  displayOf,
  extractReports,
  interpretationOf,
  loincOf,
  ORDER_IDENTIFIER_SYSTEM,
  PATIENT_IDENTIFIER_SYSTEM,
  type FhirDiagnosticReport,
  type LabReport,
} from "./fhir-report";
import type { LabOrder, LabRepository } from "./lab-repository";
import type { LabDirectory } from "./labs-config";
import { newLabOrderSchema, reviewTargetSchema, type IngestOutcome, type LabOrderView } from "./lab-views";

/** Lab orders, their results from FHIR deliveries, and the review list for what could not be matched. */
export class LabService {
  constructor(
    private readonly repo: LabRepository,
    private readonly labs: LabDirectory,
    private readonly notifier: PatientNotifier,
    private readonly events: ConsoleEvents,
    private readonly consent: ProcessingConsent,
  ) {}

  /** How far the pulls from a lab's FHIR server got (the newest report stored). */
  pulledUntil(labId: string): Promise<Date | undefined> {
    return this.repo.pulledUntil(labId);
  }

  notePulledUntil(labId: string, lastUpdated: Date): Promise<void> {
    return this.repo.notePulledUntil(labId, lastUpdated);
  }

  async createOrder(doctorId: string, patientId: string, input: z.infer<typeof newLabOrderSchema>): Promise<LabOrderView> {
    const data = newLabOrderSchema.parse(input);
    if (!(await this.repo.patientExists(patientId))) throw notFound("patient");
    const order = await this.repo.createOrder({ patientId, doctorId, tests: [...new Set(data.tests)], referralId: data.referralId });
    await this.repo.audit({ actor: { type: "doctor", id: doctorId }, action: "lab_order.create", entityType: "lab_order", entityId: order.id });
    const labs = this.labs.labs;
    await this.notifier.notify(
      patientId,
      (t) => ({
        text: t("lab.choose", { number: order.number, tests: order.tests.length }),
        buttons: labs.map((lab) => [{ label: lab.name, data: `lab:${order.number}:${lab.id}` }]),
      }),
      "monitoring",
    );
    return this.view(order.id);
  }

  /**
   * A signed protocol's referrals to lab tests become lab orders, once each: a correction repeating a referral
   * (same consultation, same tests) finds its order already there. Returns the orders created now.
   */
  async ordersFromReferrals(protocol: {
    consultationId: string;
    patientId: string;
    doctorId: string;
    referrals: Array<{ kind: string; tests: string[] }>;
  }): Promise<number> {
    let created = 0;
    for (const referral of protocol.referrals) {
      if (referral.kind !== "lab_tests" || referral.tests.length === 0) continue;
      const referralId = `${protocol.consultationId}:${[...new Set(referral.tests)].sort().join(",")}`;
      if (await this.repo.referralOrdered(referralId)) continue;
      await this.createOrder(protocol.doctorId, protocol.patientId, { tests: referral.tests, referralId });
      created++;
    }
    return created;
  }

  /** The patient's choice from the messenger buttons; false when the order is not theirs or already placed. */
  async chooseLab(patientId: string, orderNumber: number, labId: string): Promise<{ number: number; labName: string } | "unknown" | "already"> {
    const lab = this.labs.get(labId);
    const order = await this.repo.order({ number: orderNumber });
    if (!lab || !order || order.patientId !== patientId) return "unknown";
    if (!(await this.repo.placeOrder(order.id, labId, new Date()))) return "already";
    await this.repo.audit({ actor: { type: "patient", id: patientId }, action: "lab_order.choose_lab", entityType: "lab_order", entityId: order.id, meta: { labId } });
    return { number: order.number, labName: lab.name };
  }

  /** A FHIR delivery from a lab (pushed or pulled). Anything unparseable or unmatched goes to the review list. */
  async ingest(labId: string, body: unknown): Promise<IngestOutcome> {
    const extracted = extractReports(body);
    if (!extracted.ok) return this.toReview(labId, extracted.reason, body);
    const orderIds = new Set<string>();
    let results = 0;
    const unmatched: Array<LabReport & { reason: string }> = [];
    for (const report of extracted.reports) {
      const order = await this.match(labId, report);
      if (!order) {
        unmatched.push({ ...report, reason: `no lab order matches report ${report.report.id ?? "(no id)"}` });
        continue;
      }
      // Results for a patient who withdrew consent are not stored with their record: staff see why on the review list.
      if (!(await this.consent.allows(order.patientId))) {
        unmatched.push({ ...report, reason: `consent withdrawn by the patient of order ${order.number}: results not stored` });
        continue;
      }
      results += await this.store(labId, order, report);
      orderIds.add(order.id);
    }
    for (const orderId of orderIds) await this.afterResults(orderId);
    let review: IngestOutcome | undefined;
    for (const { report, observations, reason } of unmatched) {
      // Each unmatched report with its results, so an operator can file it under an order later.
      const payload = extracted.reports.length === 1 ? body : { resourceType: "Bundle", type: "collection", entry: [report, ...observations].map((resource) => ({ resource })) };
      review = await this.toReview(labId, reason, payload);
    }
    if (review && !orderIds.size) return review;
    return { status: "stored", orderIds: [...orderIds], results };
  }

  /** Order id in basedOn (`ServiceRequest/<id>`) or our identifier; else the patient identifier plus a test code. */
  private async match(labId: string, { report, observations }: LabReport): Promise<LabOrder | undefined> {
    const refs = [...(report.basedOn ?? []), ...observations.flatMap((o) => o.basedOn ?? [])];
    const candidates = [
      ...refs.map((r) => r.reference?.split("/").pop()),
      ...refs.filter((r) => r.identifier?.system === ORDER_IDENTIFIER_SYSTEM).map((r) => r.identifier?.value),
      ...(report.identifier ?? []).filter((i) => i.system === ORDER_IDENTIFIER_SYSTEM).map((i) => i.value),
    ].filter((v): v is string => Boolean(v));
    for (const candidate of candidates) {
      const where = /^\d+$/.test(candidate) ? { number: Number(candidate) } : z.uuid().safeParse(candidate).success ? { id: candidate } : undefined;
      if (!where) continue;
      const order = await this.repo.order(where);
      if (order && (order.labId === labId || order.labId === null)) return order;
    }
    const patientId = patientOf(report);
    if (!patientId) return undefined;
    const codes = [loincOf(report.code), ...observations.map((o) => loincOf(o.code))].filter((c): c is string => Boolean(c));
    return this.repo.openOrderFor(patientId, labId, codes);
  }

  private async store(labId: string, order: { id: string }, { report, observations }: LabReport): Promise<number> {
    const reportId = report.id ?? report.identifier?.[0]?.value ?? "report";
    const rows = observations.map((obs, index) => {
      const range = obs.referenceRange?.[0];
      const flag = interpretationOf(obs);
      return {
        orderId: order.id,
        labId,
        reportId,
        observationKey: obs.id ?? `#${index}`,
        code: loincOf(obs.code) ?? obs.code.coding?.[0]?.code ?? "unknown",
        display: displayOf(obs.code) ?? null,
        valueNumber: obs.valueQuantity?.value ?? null,
        valueText: obs.valueString ?? (obs.valueCodeableConcept ? (displayOf(obs.valueCodeableConcept) ?? null) : null),
        unit: obs.valueQuantity?.unit ?? obs.valueQuantity?.code ?? null,
        refLow: range?.low?.value ?? null,
        refHigh: range?.high?.value ?? null,
        refText: range?.text ?? null,
        interpretation: flag.code ?? null,
        abnormal: flag.abnormal,
        effectiveAt: date(obs.effectiveDateTime ?? report.effectiveDateTime),
        issuedAt: date(obs.issued ?? report.issued),
      };
    });
    if (!rows.length) {
      // A report without discrete results (e.g. a conclusion only) is still a result.
      rows.push({
        orderId: order.id, labId, reportId, observationKey: "report", code: loincOf(report.code) ?? "report",
        display: displayOf(report.code) ?? null, valueNumber: null, valueText: report.conclusion ?? null, unit: null,
        refLow: null, refHigh: null, refText: null, interpretation: null, abnormal: false,
        effectiveAt: date(report.effectiveDateTime), issuedAt: date(report.issued),
      });
    }
    return this.repo.storeResults(rows);
  }

  private async afterResults(orderId: string) {
    const order = (await this.repo.order({ id: orderId }))!;
    const have = new Set((await this.repo.resultsOf(orderId)).map((r) => r.code));
    const complete = order.tests.every((code) => have.has(code));
    const status = complete ? "completed" : "partial";
    if (order.status === status) return;
    await this.repo.setOrderStatus(orderId, status, complete ? new Date() : null);
    await this.repo.audit({ actor: { type: "system" }, action: "lab_order.results", entityType: "lab_order", entityId: orderId, meta: { status } });
    await this.events.publish({ type: "lab.results", patientId: order.patientId, doctorId: order.doctorId });
    await this.notifier.notify(order.patientId, (t) => ({ text: t(complete ? "lab.results_ready" : "lab.results_partial", { number: order.number }) }), "monitoring");
  }

  private async toReview(labId: string, reason: string, payload: unknown): Promise<IngestOutcome> {
    const reviewId = await this.repo.addReviewItem(labId, reason, payload);
    await this.events.publish({ type: "lab.review" });
    return { status: "review", reviewId, reason };
  }

  async reviewList(actor: Actor, includeResolved = false) {
    await this.repo.audit({ actor, action: "lab_review.list", entityType: "lab_review", entityId: "*" });
    return this.repo.reviewItems(includeResolved);
  }

  /** Staff file a review item under an order, by id or by the number the patient was given (the delivery is processed again for that order), or dismiss it. */
  async resolveReview(actor: Actor & { id: string }, reviewId: string, target: z.infer<typeof reviewTargetSchema>): Promise<{ results: number }> {
    const item = await this.repo.reviewItem(reviewId);
    if (!item) throw notFound("review item");
    if (item.resolvedAt) throw new AppError("conflict", "review item already resolved");
    let results = 0;
    const where = target.orderId ? { id: target.orderId } : target.orderNumber ? { number: target.orderNumber } : undefined;
    const order = where ? await this.repo.order(where) : undefined;
    if (where && !order) throw notFound("lab order");
    if (order) {
      await this.consent.require(order.patientId, "filing lab results");
      const extracted = extractReports(item.payload);
      if (!extracted.ok) throw new AppError("validation", `the delivery cannot be read: ${extracted.reason}`);
      for (const report of extracted.reports) results += await this.store(item.labId, order, report);
      await this.afterResults(order.id);
    }
    await this.repo.resolveReviewItem(reviewId, actor.id, order?.id ?? null);
    await this.repo.audit({ actor, action: "lab_review.resolve", entityType: "lab_review", entityId: reviewId, meta: { orderId: order?.id ?? null } });
    return { results };
  }

  async view(orderId: string): Promise<LabOrderView> {
    const order = await this.repo.order({ id: orderId });
    if (!order) throw notFound("lab order");
    const results = await this.repo.resultsOf(orderId);
    return {
      id: order.id,
      number: order.number,
      patientId: order.patientId,
      doctorId: order.doctorId,
      tests: order.tests,
      labId: order.labId,
      labName: order.labId ? (this.labs.get(order.labId)?.name ?? order.labId) : null,
      status: order.status,
      createdAt: order.createdAt,
      results: results.map((r) => ({
        code: r.code,
        display: r.display,
        value: r.valueNumber !== null ? String(r.valueNumber) : r.valueText,
        valueNumber: r.valueNumber,
        unit: r.unit,
        referenceRange: r.refText ?? (r.refLow !== null || r.refHigh !== null ? `${r.refLow ?? ""}–${r.refHigh ?? ""}` : null),
        interpretation: r.interpretation,
        abnormal: r.abnormal,
        effectiveAt: r.effectiveAt,
      })),
    };
  }

  /** For the console. */
  async readOrder(doctorId: string, orderId: string): Promise<LabOrderView> {
    const view = await this.view(orderId);
    await this.repo.audit({ actor: { type: "doctor", id: doctorId }, action: "lab_order.read", entityType: "lab_order", entityId: orderId });
    return view;
  }

  async listForPatient(actor: { type: "doctor" | "patient"; id: string }, patientId: string): Promise<LabOrderView[]> {
    const orderIds = await this.repo.orderIdsOf(patientId);
    await this.repo.audit({ actor, action: "lab_orders.list", entityType: "patient", entityId: patientId });
    return Promise.all(orderIds.map((id) => this.view(id)));
  }
}

/** `Patient/<our id>` or our patient identifier in the report's subject. */
function patientOf(report: FhirDiagnosticReport): string | undefined {
  const subject = report.subject;
  const candidate = subject?.identifier?.system === PATIENT_IDENTIFIER_SYSTEM ? subject.identifier.value : subject?.reference?.replace(/^Patient\//, "");
  return candidate && z.uuid().safeParse(candidate).success ? candidate : undefined;
}

const date = (text: string | undefined) => (text && !Number.isNaN(Date.parse(text)) ? new Date(text) : null);
