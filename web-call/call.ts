/**
 * The call page. It only ever receives `{ url, token }` from the api (plus the intake for the doctor):
 * device and connection check, join, reconnect after a drop (livekit-client retries by itself; a failed
 * resume shows "retry"), audio-only, and a clean end for both sides.
 */
import { DisconnectReason, Room, RoomEvent, Track, type RemoteTrack } from "livekit-client";

type Texts = Record<string, string>;
const texts: Texts = JSON.parse(document.getElementById("texts")!.textContent!);
const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const linkToken = location.pathname.split("/").filter(Boolean).pop()!;

/** One id per browser: the link binds to the first device that opens it. */
function deviceId(): string {
  const key = "telecons-device";
  let id = localStorage.getItem(key);
  if (!id) {
    id = crypto.randomUUID();
    localStorage.setItem(key, id);
  }
  return id;
}

type State = "checking" | "ready" | "joining" | "connected" | "reconnecting" | "error" | "ended";
function setState(state: State, message = "", error = false) {
  document.body.dataset.state = state;
  const status = $("status");
  status.textContent = message;
  status.className = error ? "error" : "";
}

function mark(id: string, label: string, ok: boolean | undefined) {
  const item = $(id);
  item.textContent = `${label}: ${ok === undefined ? texts.checking : ok ? texts.ok : texts.failed}`;
  item.className = ok === undefined ? "" : ok ? "ok" : "failed";
  item.dataset.result = ok === undefined ? "pending" : ok ? "ok" : "failed";
}

let preview: MediaStream | undefined;
let room: Room | undefined;
let audioOnly = false;
let leaving = false;
let role = "patient";

async function checkDevices(): Promise<void> {
  $("title").textContent = texts.title!;
  $("check-title").textContent = texts.check!;
  $("join").textContent = texts.join!;
  $("leave").textContent = texts.leave!;
  $("retry").textContent = texts.retry!;
  $("audio-only").textContent = texts.audio_only!;
  for (const [id, key] of [["check-camera", "camera"], ["check-microphone", "microphone"], ["check-connection", "connection"], ["check-video-server", "video_server"]] as const) {
    mark(id, texts[key]!, undefined);
  }
  preview?.getTracks().forEach((t) => t.stop());
  $("retry").hidden = true;
  let camera = false;
  let microphone = false;
  try {
    preview = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
    camera = preview.getVideoTracks().some((t) => t.readyState === "live");
    microphone = preview.getAudioTracks().some((t) => t.readyState === "live");
    $<HTMLVideoElement>("preview").srcObject = preview;
  } catch {
    try {
      preview = await navigator.mediaDevices.getUserMedia({ audio: true });
      microphone = true;
    } catch {
      /* neither: shown below */
    }
  }
  mark("check-camera", texts.camera!, camera);
  mark("check-microphone", texts.microphone!, microphone);
  const started = performance.now();
  const connection = await fetch(`/call/${linkToken}/ping`, { cache: "no-store" }).then(
    (r) => r.ok && performance.now() - started < 3000,
    () => false,
  );
  mark("check-connection", texts.connection!, connection);
  const videoServer = await reachable(texts.video_server_url!);
  mark("check-video-server", texts.video_server!, videoServer);
  audioOnly = !camera;
  // Each failed check in plain words, naming what failed: the clinic's server being down is not the patient's internet.
  const failed = { camera: !camera, microphone: !microphone, connection: !connection, video_server: connection && !videoServer };
  $("explain").replaceChildren(
    ...Object.entries(failed)
      .filter(([, bad]) => bad)
      .map(([key]) => Object.assign(document.createElement("li"), { textContent: texts[`explain_${key}`]! })),
  );
  $<HTMLButtonElement>("join").disabled = !microphone || !connection || !videoServer;
  $("retry").hidden = videoServer || !connection;
  setState("ready");
}

/**
 * Whether the video server answers at all, before joining: an opaque answer is enough (its port is open and
 * something speaks HTTP), a refused or timed-out connection is not.
 */
async function reachable(url: string): Promise<boolean> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 4000);
  try {
    await fetch(url, { mode: "no-cors", cache: "no-store", signal: controller.signal });
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

async function join(): Promise<void> {
  leaving = false;
  $<HTMLButtonElement>("join").disabled = true;
  $("retry").hidden = true;
  setState("joining", texts.joining);
  const response = await fetch(`/call/${linkToken}/join`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ device: deviceId() }),
  });
  if (!response.ok) {
    setState("error", texts.error_link, true);
    return;
  }
  const grant = (await response.json()) as { url: string; token: string; role: string; intake?: string[] };
  role = grant.role;
  if (grant.intake) showIntake(grant.intake);
  room = new Room({ adaptiveStream: true, dynacast: true });
  room
    .on(RoomEvent.TrackSubscribed, (track: RemoteTrack) => attach(track))
    .on(RoomEvent.TrackUnsubscribed, (track: RemoteTrack) => track.detach().forEach((el) => el.remove()))
    .on(RoomEvent.Reconnecting, () => setState("reconnecting", texts.reconnecting))
    .on(RoomEvent.Reconnected, () => setState("connected", texts.reconnected))
    .on(RoomEvent.Disconnected, (reason?: DisconnectReason) => onDisconnected(reason));
  try {
    await room.connect(grant.url, grant.token, { autoSubscribe: true });
  } catch {
    room = undefined;
    setState("error", texts.error_unreachable, true);
    $("retry").hidden = false;
    return;
  }
  preview?.getTracks().forEach((t) => t.stop());
  await room.localParticipant.setMicrophoneEnabled(true);
  await room.localParticipant.setCameraEnabled(!audioOnly);
  $("leave").hidden = false;
  $("audio-only").hidden = false;
  $("audio-only").textContent = audioOnly ? texts.video_on! : texts.audio_only!;
  setState("connected", texts.connected);
}

function attach(track: RemoteTrack) {
  if (track.kind !== Track.Kind.Video && track.kind !== Track.Kind.Audio) return;
  $("videos").appendChild(track.attach());
}

function showIntake(lines: string[]) {
  $("intake").hidden = false;
  $("intake-title").textContent = texts.intake!;
  const list = $("intake-list");
  list.replaceChildren(...(lines.length ? lines : [texts.no_intake!]).map((line) => Object.assign(document.createElement("li"), { textContent: line })));
}

function onDisconnected(reason?: DisconnectReason) {
  $("leave").hidden = true;
  $("audio-only").hidden = true;
  const ended =
    leaving ||
    reason === DisconnectReason.CLIENT_INITIATED ||
    reason === DisconnectReason.ROOM_DELETED ||
    reason === DisconnectReason.PARTICIPANT_REMOVED;
  if (ended) {
    setState("ended", texts.ended);
    return;
  }
  // the automatic resume failed (a long network drop): offer to join again with the same link and device
  setState("error", texts.error_unreachable, true);
  $("retry").hidden = false;
}

$("join").addEventListener("click", () => void join());
// Before the first join, "retry" runs the checks again (the video server may be back); after a drop it rejoins.
$("retry").addEventListener("click", () => void (room || document.body.dataset.state === "error" ? join() : checkDevices()));
$("audio-only").addEventListener("click", async () => {
  audioOnly = !audioOnly;
  await room?.localParticipant.setCameraEnabled(!audioOnly);
  $("audio-only").textContent = audioOnly ? texts.video_on! : texts.audio_only!;
});
$("leave").addEventListener("click", async () => {
  leaving = true;
  if (role === "doctor") {
    await fetch(`/call/${linkToken}/end`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ device: deviceId() }),
    }).catch(() => undefined);
  }
  await room?.disconnect();
  setState("ended", texts.ended);
});

void checkDevices();
