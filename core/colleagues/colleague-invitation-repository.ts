import type { Db } from "../db/prisma";
import type { ColleagueInvitation, Colleague } from "./colleague-invitation";

const select = {
  id: true,
  consultationId: true,
  patientId: true,
  invitedById: true,
  colleagueId: true,
  specialty: true,
  question: true,
  answer: true,
  status: true,
  createdAt: true,
  acceptedAt: true,
  closedAt: true,
} as const;

type Row = Omit<ColleagueInvitation, "invitedByName" | "colleagueName" | "consultationNumber">;

/** Doctor-to-doctor invitations; every change of state is one conditional update, so two doctors cannot both win. */
export class ColleagueInvitationRepository {
  constructor(private readonly db: Db) {}

  async create(data: { consultationId: string; patientId: string; invitedById: string; colleagueId: string | null; specialty: string | null; question: string }): Promise<ColleagueInvitation> {
    const row = await this.db.colleagueInvitation.create({ data, select });
    return (await this.named([row]))[0]!;
  }

  async byId(id: string): Promise<ColleagueInvitation | undefined> {
    const row = await this.db.colleagueInvitation.findUnique({ where: { id }, select });
    return row ? (await this.named([row]))[0] : undefined;
  }

  async forConsultation(consultationId: string): Promise<ColleagueInvitation[]> {
    return this.named(await this.db.colleagueInvitation.findMany({ where: { consultationId }, orderBy: { createdAt: "asc" }, select }));
  }

  /** Addressed to the doctor, or open to any doctor of their specialties (never their own questions). */
  async inbox(doctorId: string, specialties: string[]): Promise<ColleagueInvitation[]> {
    const rows = await this.db.colleagueInvitation.findMany({
      where: {
        invitedById: { not: doctorId },
        OR: [{ colleagueId: doctorId }, { colleagueId: null, status: "open", specialty: { in: specialties } }],
      },
      orderBy: { createdAt: "desc" },
      take: 100,
      select,
    });
    return this.named(rows);
  }

  /** By specialty: the first doctor of it to accept becomes the colleague. */
  async accept(id: string, doctorId: string, specialties: string[]): Promise<boolean> {
    const { count } = await this.db.colleagueInvitation.updateMany({
      where: { id, status: "open", colleagueId: null, specialty: { in: specialties }, invitedById: { not: doctorId } },
      data: { colleagueId: doctorId, acceptedAt: new Date() },
    });
    return count === 1;
  }

  /** The answer closes the invitation: the colleague's read access ends with it. */
  async answer(id: string, doctorId: string, answer: string): Promise<boolean> {
    const { count } = await this.db.colleagueInvitation.updateMany({
      where: { id, status: "open", colleagueId: doctorId },
      data: { answer, status: "answered", closedAt: new Date() },
    });
    return count === 1;
  }

  async withdraw(id: string, invitedById: string): Promise<boolean> {
    const { count } = await this.db.colleagueInvitation.updateMany({
      where: { id, status: "open", invitedById },
      data: { status: "withdrawn", closedAt: new Date() },
    });
    return count === 1;
  }

  /** Active doctors other than the one asking, for "ask by name". */
  async colleagues(exceptDoctorId: string): Promise<Colleague[]> {
    return this.db.doctor.findMany({
      where: { id: { not: exceptDoctorId }, staff: { role: "doctor", disabledAt: null } },
      orderBy: { name: "asc" },
      select: { id: true, name: true, specialties: true },
    });
  }

  async doctorExists(doctorId: string): Promise<boolean> {
    return (await this.db.doctor.count({ where: { id: doctorId, staff: { role: "doctor", disabledAt: null } } })) > 0;
  }

  /** The doctors' names and the consultation's number, which the console shows beside each invitation. */
  private async named(rows: Row[]): Promise<ColleagueInvitation[]> {
    const doctorIds = [...new Set(rows.flatMap((r) => [r.invitedById, r.colleagueId]).filter((id): id is string => Boolean(id)))];
    const consultationIds = [...new Set(rows.map((r) => r.consultationId))];
    const [doctors, consultations] = await Promise.all([
      this.db.doctor.findMany({ where: { id: { in: doctorIds } }, select: { id: true, name: true } }),
      this.db.consultation.findMany({ where: { id: { in: consultationIds } }, select: { id: true, number: true } }),
    ]);
    const name = new Map(doctors.map((d) => [d.id, d.name]));
    const number = new Map(consultations.map((c) => [c.id, c.number]));
    return rows.map((r) => ({
      ...r,
      invitedByName: name.get(r.invitedById) ?? "",
      colleagueName: r.colleagueId ? (name.get(r.colleagueId) ?? null) : null,
      consultationNumber: number.get(r.consultationId) ?? 0,
    }));
  }
}
