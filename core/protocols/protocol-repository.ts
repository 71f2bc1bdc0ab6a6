import type { Db, Tx } from "../db/prisma";

export class ProtocolRepository {
  constructor(private readonly db: Db | Tx) {}

  /** The newest signed version of the consultation's protocol. */
  async latestSignedId(consultationId: string): Promise<string | undefined> {
    const row = await this.db.protocol.findFirst({ where: { consultationId, status: "signed" }, orderBy: { version: "desc" }, select: { id: true } });
    return row?.id;
  }
}
