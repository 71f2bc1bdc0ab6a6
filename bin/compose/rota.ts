import { RotaRepository } from "../../core/rota/rota-repository";
import { Rota } from "../../core/rota/rota-service";
import type { SpecialtyDirectory } from "../../core/specialties/specialty-directory";
import type { Foundation } from "./foundation";

/** The rota of doctors and interpreters against the clinic's coverage rules (issue 22). */
export function rotaWiring({ db }: Foundation, specialties: SpecialtyDirectory) {
  return { rota: new Rota(new RotaRepository(db), specialties) };
}
