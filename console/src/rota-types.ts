/** The rota and coverage api as the console reads it (GET /rota, /rota/people, /coverage-rules, /coverage). */
export type ShiftKind = "doctor" | "interpreter";

export interface RotaShift {
  id: string;
  kind: ShiftKind;
  personId: string;
  name: string;
  /** null for interpreters: they cover a language, not a specialty. */
  specialty: string | null;
  languages: string[];
  startsAt: string;
  endsAt: string;
}

export type Cover = "doctor" | "interpreter" | "none";

export interface RotaHour {
  at: string;
  doctors: number;
  interpreters: number;
  cover: Cover;
  required: boolean;
  gap: boolean;
}

export interface RotaRow {
  specialty: string;
  language: string;
  hours: RotaHour[];
}

export interface Rota {
  from: string;
  to: string;
  timeZone: string;
  shifts: RotaShift[];
  rows: RotaRow[];
}

export interface RotaPeople {
  doctors: Array<{ id: string; name: string; specialties: string[]; languages: string[] }>;
  interpreters: Array<{ id: string; name: string; languages: string[] }>;
}

export interface CoverageRule {
  id: string;
  specialty: string;
  language: string;
  from: string;
  to: string;
}

export interface CoverageReport {
  from: string;
  to: string;
  timeZone: string;
  covered: Array<{ specialty: string; language: string; requiredHours: number; coveredHours: number; interpreterHours: number }>;
  waitsByHour: Array<{ hour: number; consultations: number; medianFirstReplyMinutes: number | null }>;
}
