import { matchLanguage, translator } from "../i18n";
import type { PatientNotifier } from "../patients/patient-notifier";
import type { Protocol } from "../protocols/protocol";
import type { VideoPatientFlow } from "./video-buttons";
import type { VideoRepository } from "./video-repository";

/**
 * A signed protocol's referral to an in-person visit is more than a line of text: the patient is offered the
 * clinic's free in-person slots in the messenger (buttons, their language, times in their timezone), once per
 * referral of the signed version (the `referral-slots` job of workers/video.worker.ts). Booking one is the
 * ordinary `video:book` button, which brings its reminders.
 */
export class ReferralSlotOffer {
  constructor(
    private readonly deps: {
      protocols: { load(id: string): Promise<Protocol> };
      flow: Pick<VideoPatientFlow, "inPersonChoice">;
      repo: Pick<VideoRepository, "patientLanguage">;
      consultationSpecialty: (consultationId: string) => Promise<string | undefined>;
      notifier: PatientNotifier;
    },
  ) {}

  /** How many referrals were offered. */
  async offer(protocolId: string): Promise<number> {
    const protocol = await this.deps.protocols.load(protocolId);
    if (protocol.status !== "signed") return 0;
    const referrals = protocol.content.referrals.filter((r) => r.kind === "in_person_visit");
    if (referrals.length === 0) return 0;
    const language = matchLanguage(await this.deps.repo.patientLanguage(protocol.patientId)) ?? "ru";
    const t = translator(language, "video");
    const fallback = (await this.deps.consultationSpecialty(protocol.consultationId)) ?? "gp";
    const texts = { some: "slots.referral", none: "slots.referral_none" };
    for (const referral of referrals) {
      const specialty = referral.specialty ?? fallback;
      const message = await this.deps.flow.inPersonChoice(t, protocol.patientId, language, specialty, texts, { target: referral.target });
      await this.deps.notifier.notify(protocol.patientId, () => message, "video");
    }
    return referrals.length;
  }
}
