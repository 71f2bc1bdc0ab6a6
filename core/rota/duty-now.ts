import type { DutyNowRepository } from "./duty-now-repository";

const DAY_MS = 24 * 3600_000;
/** How far ahead the next shift is looked for: the rota is planned a week ahead (issue 22). */
export const NEXT_SHIFT_WITHIN_MS = 7 * DAY_MS;

/** Russian is the clinic's common language: every interpreter works between the patient's language and it. */
export const CLINIC_LANGUAGE = "ru";

/** No doctor of the specialty who speaks the patient's language is on duty: what there is instead. */
export interface Uncovered {
  covered: false;
  /** A Russian-speaking doctor of the specialty and an interpreter of the patient's language are both on duty. */
  withInterpreter: boolean;
  /** Whether an interpreter of the patient's language is on duty (for an urgent case routed to any doctor). */
  interpreterOnDuty: boolean;
  /** When the next shift of a doctor who speaks the language begins, within a week; undefined when none is planned. */
  nextShift: Date | undefined;
  /**
   * Whether the clinic plans cover for the specialty at all (a shift in any language from a day ago to a week
   * ahead). Without a rota, doctors answer written questions from the console queue when they can, as before.
   */
  rota: boolean;
}
export type Duty = { covered: true } | Uncovered;

/**
 * Who is on duty now for a specialty in a language, and when the next covering shift starts: the one place the
 * patient's honest answer (chat and video) and the video queue ask.
 */
export class DutyNow {
  /** The rota's clock, also the video queue's (bin/compose/video.ts); tests pin it. */
  clock: () => Date = () => new Date();

  constructor(private readonly repo: DutyNowRepository) {}

  async duty(specialty: string, language: string): Promise<Duty> {
    const at = this.clock();
    if (await this.repo.doctorOnDuty(specialty, language, at)) return { covered: true };
    const interpreterOnDuty = language !== CLINIC_LANGUAGE && (await this.repo.interpreterOnDuty(language, at));
    const russianDoctor = interpreterOnDuty && (await this.repo.doctorOnDuty(specialty, CLINIC_LANGUAGE, at));
    const weekAhead = new Date(at.getTime() + NEXT_SHIFT_WITHIN_MS);
    const nextShift = await this.repo.nextShiftStart(specialty, language, at, weekAhead);
    const rota = nextShift !== undefined || russianDoctor || (await this.repo.anyShift(specialty, new Date(at.getTime() - DAY_MS), weekAhead));
    return { covered: false, withInterpreter: russianDoctor, interpreterOnDuty, nextShift, rota };
  }
}
