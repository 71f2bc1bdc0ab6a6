import { AccessToken, EgressClient, EncodedFileOutput, RoomServiceClient, TokenVerifier, WebhookReceiver } from "livekit-server-sdk";
import type { WebhookEvent } from "livekit-server-sdk";

export type CallRole = "patient" | "doctor" | "interpreter";

export interface CallGrant {
  room: string;
  identity: string;
  name: string;
  role: CallRole;
}

export interface LiveKitSettings {
  /** What browsers connect to (ws:// or wss://). */
  url: string;
  apiKey: string;
  apiSecret: string;
  /** Expiry only matters for the first connect: LiveKit refreshes the token of a connected participant itself. */
  tokenTtlSeconds: number;
  /** The server API when the api reaches LiveKit another way than browsers do (compose: http://livekit:7880). */
  apiUrl?: string;
}

/** Everything the domain asks of LiveKit; one real implementation, a local stand-in in tests. */
export interface LiveKitPort {
  readonly url: string;
  issueToken(grant: CallGrant): Promise<string>;
  verifyWebhook(rawBody: string, authorization: string | undefined): Promise<WebhookEvent>;
  startRecording(room: string, filepath: string): Promise<{ egressId: string }>;
  stopRecording(egressId: string): Promise<void>;
  removeParticipant(room: string, identity: string): Promise<void>;
  endRoom(room: string): Promise<void>;
}

/** The server API speaks HTTP on the same host and port as the clients' WebSocket. */
export const httpUrl = (url: string) => url.replace(/^ws(s?):\/\//, "http$1://");

export class LiveKit implements LiveKitPort {
  private readonly egress: EgressClient;
  private readonly rooms: RoomServiceClient;
  private readonly receiver: WebhookReceiver;

  constructor(private readonly settings: LiveKitSettings) {
    const api = settings.apiUrl ?? httpUrl(settings.url);
    this.egress = new EgressClient(api, settings.apiKey, settings.apiSecret);
    this.rooms = new RoomServiceClient(api, settings.apiKey, settings.apiSecret);
    this.receiver = new WebhookReceiver(settings.apiKey, settings.apiSecret);
  }

  get url() {
    return this.settings.url;
  }

  async issueToken(grant: CallGrant): Promise<string> {
    const token = new AccessToken(this.settings.apiKey, this.settings.apiSecret, {
      identity: grant.identity,
      name: grant.name,
      ttl: this.settings.tokenTtlSeconds,
      metadata: JSON.stringify({ role: grant.role }),
    });
    // Nobody but the server starts a recording: roomRecord/roomAdmin are never granted to a participant.
    token.addGrant({ room: grant.room, roomJoin: true, canPublish: true, canSubscribe: true, canPublishData: true });
    return token.toJwt();
  }

  verifyWebhook(rawBody: string, authorization: string | undefined): Promise<WebhookEvent> {
    return this.receiver.receive(rawBody, authorization);
  }

  async startRecording(room: string, filepath: string): Promise<{ egressId: string }> {
    const info = await this.egress.startRoomCompositeEgress(room, new EncodedFileOutput({ filepath }), { layout: "grid" });
    return { egressId: info.egressId };
  }

  async stopRecording(egressId: string): Promise<void> {
    await this.egress.stopEgress(egressId);
  }

  async removeParticipant(room: string, identity: string): Promise<void> {
    await this.rooms.removeParticipant(room, identity).catch(() => undefined);
  }

  async endRoom(room: string): Promise<void> {
    await this.rooms.deleteRoom(room).catch(() => undefined);
  }
}

/** For tests and tools: the claims of a token, checked against the key and secret. */
export const verifyToken = (token: string, apiKey: string, apiSecret: string, clockToleranceSeconds = 10) =>
  new TokenVerifier(apiKey, apiSecret).verify(token, clockToleranceSeconds);
