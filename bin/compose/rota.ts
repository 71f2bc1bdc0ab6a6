import type { Channel } from "../../core/channels/channel";
import { RotaRepository } from "../../core/rota/rota-repository";
import { Rota } from "../../core/rota/rota-service";
import type { SpecialtyDirectory } from "../../core/specialties/specialty-directory";
import { coverageQueue, type CoverageDeps } from "../../workers/coverage.worker";
import type { Foundation } from "./foundation";

/** The rota of doctors and interpreters against the clinic's coverage rules, and its hourly check (issue 22). */
export function rotaWiring({ config, db, events, logger, queues }: Foundation, specialties: SpecialtyDirectory) {
  const repository = new RotaRepository(db);
  const rota = new Rota(repository, specialties);
  queues.open(coverageQueue);
  return {
    rota,
    coverageJobs: coverageQueue,
    /** The check's deps; the digest goes through the Telegram bot's channel when COVERAGE_DIGEST_CHAT_ID is set. */
    coverageDeps: (telegram: Channel | undefined): CoverageDeps => ({
      rota,
      digests: repository,
      events,
      specialtyNames: async () => new Map((await specialties.list()).map((s) => [s.code, s.nameRu])),
      digest: config.COVERAGE_DIGEST_CHAT_ID && telegram ? { chatId: config.COVERAGE_DIGEST_CHAT_ID, channel: telegram, fromHour: config.COVERAGE_DIGEST_HOUR } : undefined,
      logger,
    }),
  };
}
