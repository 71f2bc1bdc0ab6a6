import { ConsiliumRepository } from "../../core/consilia/consilium-repository";
import { ConsiliumService } from "../../core/consilia/consilium-service";
import { ConsiliumSigning } from "../../core/consilia/consilium-signing";
import { ProtocolRepository } from "../../core/protocols/protocol-repository";
import type { careWiring } from "./care";
import type { consultationsWiring } from "./consultations";
import type { Foundation } from "./foundation";
import type { videoWiring } from "./video";

/** Consilia: the video code's group calls, a protocol of kind `consilium`, one PDF signed by each doctor. */
export function consiliaWiring(
  { db, files, notifier }: Foundation,
  consult: ReturnType<typeof consultationsWiring>,
  video: ReturnType<typeof videoWiring>,
  care: ReturnType<typeof careWiring>,
) {
  const repo = new ConsiliumRepository(db);
  const protocols = new ProtocolRepository(db);
  const consilia = new ConsiliumService({ repo, calls: video.video.calls, protocols, visits: consult.visits, notifier });
  const consiliumSigning = new ConsiliumSigning({
    repo,
    consilia,
    protocols,
    files,
    signer: care.signer,
    clinic: care.clinic,
    icd10: care.icd10,
    // A consilium's conclusion is filed as the patient's document; its referrals and prescriptions stay the treating doctor's.
    onSigned: care.enqueueDocuments,
  });
  return { consilia, consiliumSigning };
}
