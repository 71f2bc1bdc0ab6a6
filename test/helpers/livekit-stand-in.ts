import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { createHash } from "node:crypto";
import { AccessToken, TokenVerifier } from "livekit-server-sdk";

export const LIVEKIT_KEY = "stand-in-key";
export const LIVEKIT_SECRET = "stand-in-secret-0123456789-abcdefghijkl";

export interface StandInCall {
  path: string;
  body: Record<string, unknown>;
  /** The video grant of the server token the api sent (Twirp calls are authorised with a JWT). */
  grant: Record<string, unknown> | undefined;
}

export interface RtcAttempt {
  identity: string | undefined;
  room: string | undefined;
}

/**
 * A local stand-in for the LiveKit server's HTTP side: the Twirp server API (egress, room service), the
 * client's `/rtc` WebSocket handshake (token checked and recorded, then refused: no media server runs
 * here), `/rtc/validate`, recordings served as files; and webhooks signed like LiveKit signs them.
 */
export class LiveKitStandIn {
  readonly calls: StandInCall[] = [];
  readonly rtc: RtcAttempt[] = [];
  readonly files = new Map<string, Buffer>();
  private server?: Server;
  private egressCounter = 0;
  private readonly verifier = new TokenVerifier(LIVEKIT_KEY, LIVEKIT_SECRET);

  get httpUrl() {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  get wsUrl() {
    return this.httpUrl.replace("http://", "ws://");
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on("upgrade", (req, socket) => void this.upgrade(req, socket));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** A webhook as LiveKit sends it: JSON body, Authorization = JWT whose sha256 claim is the body's hash. */
  async webhook(event: Record<string, unknown>, secret = LIVEKIT_SECRET) {
    const body = JSON.stringify(event);
    const token = new AccessToken(LIVEKIT_KEY, secret);
    token.sha256 = createHash("sha256").update(body).digest("base64");
    return { body, authorization: await token.toJwt() };
  }

  private async claims(token: string | undefined) {
    if (!token) return undefined;
    try {
      return await this.verifier.verify(token);
    } catch {
      return undefined;
    }
  }

  private async upgrade(req: IncomingMessage, socket: Duplex) {
    const url = new URL(req.url ?? "/", this.httpUrl);
    const claims = await this.claims(url.searchParams.get("access_token") ?? undefined);
    this.rtc.push({ identity: claims?.sub, room: claims?.video?.room });
    socket.end("HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n");
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", this.httpUrl);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (url.pathname.startsWith("/recordings/")) {
      const file = this.files.get(url.pathname.slice("/recordings/".length));
      if (!file) return json(404, {});
      res.writeHead(200, { "content-type": "video/mp4" });
      return res.end(file);
    }
    if (url.pathname === "/rtc/validate" || url.pathname === "/rtc/v1/validate") {
      const claims = await this.claims(url.searchParams.get("access_token") ?? undefined);
      res.writeHead(claims ? 503 : 401);
      return res.end(claims ? "no media server in this stand-in" : "invalid token");
    }
    if (url.pathname.startsWith("/twirp/")) {
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
      const claims = await this.claims(bearer);
      if (!claims) return json(401, { code: "unauthenticated", msg: "bad token" });
      const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>) : {};
      this.calls.push({ path: url.pathname, body, grant: claims.video as Record<string, unknown> | undefined });
      if (url.pathname.endsWith("/StartRoomCompositeEgress")) {
        return json(200, { egressId: `EG_standin${++this.egressCounter}`, roomName: body.roomName ?? body.room_name, status: "EGRESS_STARTING" });
      }
      if (url.pathname.endsWith("/StopEgress")) return json(200, { egressId: body.egressId ?? body.egress_id, status: "EGRESS_ENDING" });
      return json(200, {});
    }
    json(404, {});
  }
}
