import { randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { totpCode } from "../core/staff/totp";
import { verifyToken } from "../core/video/livekit";
import { shortId } from "../core/video/short-id";
import { maxDriver, onboard, telegramDriver, type MessengerDriver } from "./helpers/channel-drivers";
import { startHarness, type Harness } from "./helpers/harness";
import { LIVEKIT_KEY, LIVEKIT_SECRET, LiveKitStandIn } from "./helpers/livekit-stand-in";
import { scratchDatabase, type ScratchDatabase } from "./helpers/scratch-database";

let h: Harness;
let lk: LiveKitStandIn;
// Its own database: a call is given any interpreter of the patient's language, and other suites add interpreters.
let database: ScratchDatabase;
const filesDir = join("/tmp", `telecons-video-files-${randomUUID().slice(0, 8)}`);

beforeAll(async () => {
  lk = await new LiveKitStandIn().start();
  database = await scratchDatabase("video");
  h = await startHarness({
    DATABASE_URL: database.url,
    LIVEKIT_URL: lk.wsUrl,
    LIVEKIT_API_KEY: LIVEKIT_KEY,
    LIVEKIT_API_SECRET: LIVEKIT_SECRET,
    LIVEKIT_TOKEN_TTL_SECONDS: "120",
    FILE_STORAGE_DIR: filesDir,
  });
});
afterAll(async () => {
  await h?.close();
  await lk?.stop();
  await database?.drop();
});

/** The messengers whose video dialogue these tests drive (queue, link, recording-consent and booking buttons). */
const messengers: Array<[string, (language: string) => MessengerDriver]> = [
  ["Telegram", (language) => telegramDriver(h, language)],
  ["MAX", (language) => maxDriver(h, language)],
];

const texts = (patient: MessengerDriver) => patient.texts();
const buttonsOf = (patient: MessengerDriver) => patient.messages().flatMap((m) => m.buttons.map((b) => b.data));
const waitFor = (condition: () => boolean) => expect.poll(condition, { timeout: 10_000, interval: 20 }).toBe(true);
const waitText = (patient: MessengerDriver, pattern: RegExp) => waitFor(() => texts(patient).some((t) => pattern.test(t)));
const newSpecialty = () => `t${randomUUID().slice(0, 8)}`;

async function doctorOnDuty(specialty: string, languages = ["ru"]) {
  const { doctor, apiToken } = await h.services.doctors.create({ name: "Ирина Соколова", specialties: [specialty], languages });
  const auth = { authorization: `Bearer ${apiToken}` };
  const now = Date.now();
  const shift = await h.app.inject({
    method: "POST",
    url: "/api/v1/video/shifts",
    headers: auth,
    payload: { specialty, startsAt: new Date(now - 3600_000).toISOString(), endsAt: new Date(now + 3600_000).toISOString() },
  });
  expect(shift.statusCode).toBe(201);
  return { doctor, auth };
}

async function patientId(patient: MessengerDriver) {
  const account = await h.db.messengerAccount.findUniqueOrThrow({
    where: { channel_externalUserId: { channel: patient.channel, externalUserId: patient.externalUserId } },
  });
  return account.patientId;
}

const linkIn = (patient: MessengerDriver) => {
  const match = texts(patient).map((t) => /\/call\/([A-Za-z0-9_-]+)/.exec(t)).filter(Boolean).pop();
  return match![1]!;
};

describe.each(messengers)("video on %s: queue, first accept, links, recording", (_messenger, open) => {
  it("queues with position and estimate, lets a patient leave, and moves the next one up", async () => {
    const specialty = newSpecialty();
    const { auth } = await doctorOnDuty(specialty);
    const first = open("ru");
    const second = open("ru");
    for (const p of [first, second]) await onboard(p);
    await first.say(`/video ${specialty}`);
    await waitText(first, /место 1\. Ожидание — около 0 минут/);
    await second.say(`/video ${specialty}`);
    // one doctor, free: the second waits for one consultation of the default 15-minute mean, whose usual spread
    // (no calls finished yet to measure it) makes the wait a range
    await waitText(second, /место 2\. Ожидание — от 5 до 25 минут/);

    const firstVisit = await h.db.videoVisit.findFirstOrThrow({ where: { patientId: await patientId(first) } });
    expect(buttonsOf(first)).toContain(`video:leave:${shortId(firstVisit.id)}`);
    await first.press(`video:leave:${shortId(firstVisit.id)}`);
    await waitText(first, /Вы вышли из очереди/);
    // the worker tells the second patient about the material change (now first, no wait)
    await waitText(second, /место 1\. Ожидание — около 0 минут/);

    const requests = await h.app.inject({ method: "GET", url: "/api/v1/video/requests", headers: auth });
    expect(requests.json().requests.map((r: { visitId: string }) => r.visitId)).not.toContain(firstVisit.id);
    expect(requests.json().requests).toHaveLength(1);
  });

  it("says nobody is on duty yet, and tells the wait until the shift once the patient chooses to wait", async () => {
    const specialty = newSpecialty();
    const { apiToken } = await h.services.doctors.create({ name: "Пётр Волков", specialties: [specialty], languages: ["ru"] });
    const now = Date.now();
    const shift = await h.app.inject({
      method: "POST",
      url: "/api/v1/video/shifts",
      headers: { authorization: `Bearer ${apiToken}` },
      payload: { specialty, startsAt: new Date(now + 30 * 60_000).toISOString(), endsAt: new Date(now + 4 * 3600_000).toISOString() },
    });
    expect(shift.statusCode).toBe(201);
    const patient = open("ru");
    await onboard(patient);
    await patient.say(`/video ${specialty}`);
    await waitText(patient, /^Сейчас на дежурстве нет врача, говорящего на вашем языке\.\n\nСледующая смена врача/);
    const visit = await h.db.videoVisit.findFirstOrThrow({ where: { patientId: await patientId(patient) } });
    expect(buttonsOf(patient).slice(-3)).toEqual([`video:write:${shortId(visit.id)}`, `video:wait:${shortId(visit.id)}`, `video:leave:${shortId(visit.id)}`]);
    await patient.press(`video:wait:${shortId(visit.id)}`);
    await waitText(patient, /место 1\. Ожидание — около 30 минут/);
  });

  it("issues room-bound short-lived tokens through single-device links and refuses a stolen link", async () => {
    const specialty = newSpecialty();
    const { doctor, auth } = await doctorOnDuty(specialty);
    const patient = open("ru");
    await onboard(patient);
    await patient.say(`/video ${specialty}`);
    await waitText(patient, /место 1/);
    const visit = await h.db.videoVisit.findFirstOrThrow({ where: { patientId: await patientId(patient) } });

    const accepted = await h.app.inject({ method: "POST", url: `/api/v1/video/requests/${visit.id}/accept`, headers: auth });
    expect(accepted.statusCode).toBe(200);
    const again = await h.app.inject({ method: "POST", url: `/api/v1/video/requests/${visit.id}/accept`, headers: auth });
    expect(again.statusCode).toBe(409);
    await waitText(patient, /Врач готов начать видеоконсультацию/);
    const token = linkIn(patient);

    const join = (link: string, device: string) =>
      h.app.inject({ method: "POST", url: `/call/${link}/join`, payload: { device } });
    const joined = await join(token, "device-aaaa-1111");
    expect(joined.statusCode).toBe(200);
    const grant = joined.json();
    expect(grant.url).toBe(lk.wsUrl);
    const claims = await verifyToken(grant.token, LIVEKIT_KEY, LIVEKIT_SECRET);
    expect(claims.sub).toBe(`patient-${visit.patientId}`);
    expect(claims.video).toMatchObject({ room: `visit-${visit.id}`, roomJoin: true, canPublish: true, canSubscribe: true });
    expect(claims.video?.roomRecord).toBeFalsy();
    expect(claims.video?.roomAdmin).toBeFalsy();
    expect(claims.exp! - claims.nbf!).toBeLessThanOrEqual(120);
    await expect(verifyToken(grant.token, LIVEKIT_KEY, "another-secret-of-at-least-32-characters")).rejects.toThrow();

    // the same device may come back (reload, reconnect); another device with the used link may not
    expect((await join(token, "device-aaaa-1111")).statusCode).toBe(200);
    const stolen = await join(token, "device-bbbb-2222");
    expect(stolen.statusCode).toBe(403);

    // a new link (to switch devices) replaces the first one, which stops working at once
    await patient.press(`video:link:${shortId(visit.id)}`);
    await waitFor(() => linkIn(patient) !== token);
    const fresh = linkIn(patient);
    expect((await join(token, "device-aaaa-1111")).statusCode).toBe(404);
    expect((await join(fresh, "device-bbbb-2222")).statusCode).toBe(200);
    expect(lk.calls.some((c) => c.path.endsWith("/RemoveParticipant") && c.body.identity === `patient-${visit.patientId}`)).toBe(true);

    // the doctor's own link: same room, the doctor's identity; another doctor gets nothing
    const doctorLink = await h.app.inject({ method: "POST", url: `/api/v1/video/visits/${visit.id}/link`, headers: auth });
    const doctorToken = /\/call\/(.+)$/.exec(doctorLink.json().url)![1]!;
    const doctorGrant = (await join(doctorToken, "device-cccc-3333")).json();
    const doctorClaims = await verifyToken(doctorGrant.token, LIVEKIT_KEY, LIVEKIT_SECRET);
    expect(doctorClaims.sub).toBe(`doctor-${doctor.id}`);
    expect(doctorClaims.video?.room).toBe(`visit-${visit.id}`);
    expect(doctorGrant.intake).toEqual([]);
    const other = await h.services.doctors.create({ name: "Other Doctor", specialties: [specialty], languages: ["ru"] });
    const foreign = await h.app.inject({
      method: "POST",
      url: `/api/v1/video/visits/${visit.id}/link`,
      headers: { authorization: `Bearer ${other.apiToken}` },
    });
    expect(foreign.statusCode).toBe(403);
  });

  it("records only with the patient's consent for this consultation, and stores the file encrypted", async () => {
    const specialty = newSpecialty();
    const { auth } = await doctorOnDuty(specialty);
    const patient = open("ru");
    await onboard(patient);
    await patient.say(`/video ${specialty}`);
    await waitText(patient, /место 1/);
    const visit = await h.db.videoVisit.findFirstOrThrow({ where: { patientId: await patientId(patient) } });
    await h.app.inject({ method: "POST", url: `/api/v1/video/requests/${visit.id}/accept`, headers: auth });
    await waitText(patient, /Можно ли записать эту консультацию/);

    const start = () => h.app.inject({ method: "POST", url: `/api/v1/video/visits/${visit.id}/recording`, headers: auth });
    const refused = await start();
    expect(refused.statusCode).toBe(403);
    expect(lk.calls.filter((c) => c.path.endsWith("/StartRoomCompositeEgress") && c.body.roomName === visit.room)).toHaveLength(0);
    // declining, then a doctor of another visit: still refused for everyone
    await patient.press(`video:rec:${shortId(visit.id)}:n`);
    await waitText(patient, /консультация записываться не будет/);
    expect((await start()).statusCode).toBe(403);

    await patient.press(`video:rec:${shortId(visit.id)}:y`);
    await waitText(patient, /согласие на запись этой консультации сохранено/);
    const consent = await h.db.recordingConsent.findFirstOrThrow({ where: { visitId: visit.id, withdrawnAt: null } });
    expect(consent.version).toBe("2026-11-23");
    const started = await start();
    expect(started.statusCode).toBe(201);
    const egress = lk.calls.find((c) => c.path.endsWith("/StartRoomCompositeEgress") && c.body.roomName === visit.room)!;
    expect(egress.grant).toMatchObject({ roomRecord: true });
    const { egressId } = started.json();

    // egress_ended: the worker fetches the file, stores it encrypted and lists it on the consultation
    const mp4 = Buffer.from(`fake mp4 bytes ${randomUUID()}`);
    lk.files.set(`${visit.id}.mp4`, mp4);
    const ended = await lk.webhook({
      id: `EV_${randomUUID()}`,
      event: "egress_ended",
      createdAt: String(Math.floor(Date.now() / 1000)),
      egressInfo: { egressId, roomName: visit.room, fileResults: [{ filename: "x.mp4", location: `${lk.httpUrl}/recordings/${visit.id}.mp4` }] },
    });
    const hook = await h.app.inject({
      method: "POST",
      url: "/webhooks/livekit",
      headers: { "content-type": "application/webhook+json", authorization: ended.authorization },
      payload: ended.body,
    });
    expect(hook.statusCode).toBe(200);
    let listed: { recordings: { storedFileId: string | null; status: string }[] } = { recordings: [] };
    for (let i = 0; i < 100 && !listed.recordings[0]?.storedFileId; i++) {
      await new Promise((r) => setTimeout(r, 100));
      listed = (await h.app.inject({ method: "GET", url: `/api/v1/video/visits/${visit.id}`, headers: auth })).json();
    }
    expect(listed.recordings[0]).toMatchObject({ status: "stored" });
    const file = await h.services.files.read(listed.recordings[0]!.storedFileId!);
    expect(file.bytes.equals(mp4)).toBe(true);
    const onDisk = await Promise.all((await readdir(filesDir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => readFile(join(e.parentPath, e.name))));
    expect(onDisk.some((bytes) => bytes.includes(mp4))).toBe(false);
  });

});

// LiveKit's webhooks and the interpreter on duty do not depend on the messenger; and with a second run in this
// database two interpreters would be on duty, so the call could get either.
describe("video: webhooks and interpreters (Telegram)", () => {
  const open = (language: string) => telegramDriver(h, language);

  it("verifies webhooks, dedupes them and records the actual start, end and duration", async () => {
    const specialty = newSpecialty();
    const { doctor, auth } = await doctorOnDuty(specialty);
    const patient = open("ru");
    await onboard(patient);
    await patient.say(`/video ${specialty}`);
    await waitText(patient, /место 1/);
    const visit = await h.db.videoVisit.findFirstOrThrow({ where: { patientId: await patientId(patient) } });
    await h.app.inject({ method: "POST", url: `/api/v1/video/requests/${visit.id}/accept`, headers: auth });

    const post = async (event: Record<string, unknown>, secret?: string) => {
      const signed = await lk.webhook(event, secret);
      return h.app.inject({
        method: "POST",
        url: "/webhooks/livekit",
        headers: { "content-type": "application/webhook+json", authorization: signed.authorization },
        payload: signed.body,
      });
    };
    const t0 = Math.floor(Date.now() / 1000);
    const joined = (identity: string, at: number) => ({
      id: `EV_${randomUUID()}`,
      event: "participant_joined",
      createdAt: String(at),
      room: { name: visit.room },
      participant: { identity },
    });
    const forged = await post(joined(`patient-${visit.patientId}`, t0), "a-wrong-secret-that-is-long-enough-1234");
    expect(forged.statusCode).toBe(401);
    const unsigned = await h.app.inject({
      method: "POST",
      url: "/webhooks/livekit",
      headers: { "content-type": "application/webhook+json" },
      payload: JSON.stringify(joined("x", t0)),
    });
    expect(unsigned.statusCode).toBe(401);
    // a signed token over another body does not cover this one
    const signed = await lk.webhook(joined(`patient-${visit.patientId}`, t0));
    const tampered = await h.app.inject({
      method: "POST",
      url: "/webhooks/livekit",
      headers: { "content-type": "application/webhook+json", authorization: signed.authorization },
      payload: signed.body.replace("participant_joined", "room_finished"),
    });
    expect(tampered.statusCode).toBe(401);
    expect(await h.db.videoParticipantEvent.count({ where: { visitId: visit.id } })).toBe(0);

    const patientJoined = joined(`patient-${visit.patientId}`, t0);
    expect((await post(patientJoined)).json().outcome).toBe("processed");
    expect((await post(patientJoined)).json().outcome).toBe("duplicate");
    await post(joined(`doctor-${doctor.id}`, t0 + 20));
    await post({ id: `EV_${randomUUID()}`, event: "participant_left", createdAt: String(t0 + 500), room: { name: visit.room }, participant: { identity: `patient-${visit.patientId}` } });
    await post({ id: `EV_${randomUUID()}`, event: "room_finished", createdAt: String(t0 + 620), room: { name: visit.room } });

    const details = (await h.app.inject({ method: "GET", url: `/api/v1/video/visits/${visit.id}`, headers: auth })).json();
    expect(details.status).toBe("ended");
    expect(new Date(details.startedAt).getTime()).toBe((t0 + 20) * 1000);
    expect(new Date(details.endedAt).getTime()).toBe((t0 + 620) * 1000);
    expect(details.durationSeconds).toBe(600);
    expect(details.events.map((e: { kind: string }) => e.kind)).toEqual(["joined", "joined", "left"]);
  });

  it("offers a Russian-speaking doctor with an interpreter when nobody speaks the patient's language", async () => {
    const specialty = newSpecialty();
    const { auth } = await doctorOnDuty(specialty, ["ru"]);
    const password = "interpreter password 1";
    const email = `interpreter-${randomUUID()}@clinic.test`;
    const interpreter = await h.services.staff.create({ email, name: "Interpreter EN", role: "interpreter", password, languages: ["en"] });
    // The offer needs the interpreter on duty (core/rota/duty-now.ts); no route plans interpreters' shifts yet.
    const now = Date.now();
    await h.db.interpreterShift.create({ data: { interpreterId: interpreter.staff.interpreterId!, startsAt: new Date(now - 3600_000), endsAt: new Date(now + 3600_000) } });
    const patient = open("en");
    await onboard(patient);
    await patient.say(`/video ${specialty}`);
    await waitText(patient, /^No doctor who speaks your language is on duty right now\.\n\nA Russian-speaking doctor and an interpreter/);
    const visit = await h.db.videoVisit.findFirstOrThrow({ where: { patientId: await patientId(patient) } });
    // No doctor who speaks English has a shift this week: no waiting offered, a written question instead.
    expect(buttonsOf(patient).slice(-3)).toEqual([`video:int:${shortId(visit.id)}`, `video:write:${shortId(visit.id)}`, `video:leave:${shortId(visit.id)}`]);
    await patient.press(`video:int:${shortId(visit.id)}`);
    await waitText(patient, /queue: number 1/);

    const accepted = await h.app.inject({ method: "POST", url: `/api/v1/video/requests/${visit.id}/accept`, headers: auth });
    expect(accepted.statusCode).toBe(200);
    const interpreterToken = /\/call\/(.+)$/.exec(accepted.json().interpreterLink)![1]!;
    const grant = (await h.app.inject({ method: "POST", url: `/call/${interpreterToken}/join`, payload: { device: "device-interp-1" } })).json();
    const claims = await verifyToken(grant.token, LIVEKIT_KEY, LIVEKIT_SECRET);
    expect(claims.sub).toBe(`interpreter-${interpreter.staff.interpreterId}`);
    expect(claims.video?.room).toBe(visit.room);
    await waitText(patient, /The doctor is ready/);

    // The interpreter logs in to the console, sees the call and takes a link of their own; doctors' routes stay closed.
    const login = await h.app.inject({ method: "POST", url: "/api/v1/auth/login", payload: { email, password, code: totpCode(interpreter.totpSecret) } });
    const headers = { cookie: String(login.headers["set-cookie"]).split(";")[0]!, "x-requested-with": "telecons-console" };
    const calls = (await h.app.inject({ method: "GET", url: "/api/v1/video/interpreting", headers })).json();
    expect(calls.visits).toMatchObject([{ visitId: visit.id, language: "en" }]);
    const link = await h.app.inject({ method: "POST", url: `/api/v1/video/interpreting/${visit.id}/link`, headers });
    expect(link.json().url).toMatch(/\/call\//);
    expect((await h.app.inject({ method: "GET", url: "/api/v1/video/requests", headers })).statusCode).toBe(403);
    expect((await h.app.inject({ method: "GET", url: `/api/v1/consultations/${randomUUID()}`, headers })).statusCode).toBe(403);
  });
});

describe.each(messengers)("scheduled appointments on %s", (_messenger, open) => {
  it("books, moves and cancels from buttons; the database refuses a double booking", async () => {
    const specialty = newSpecialty();
    const { auth } = await doctorOnDuty(specialty);
    const at = (hours: number) => new Date(Date.now() + hours * 3600_000).toISOString();
    const slot = async (from: number) =>
      (await h.app.inject({ method: "POST", url: "/api/v1/video/slots", headers: auth, payload: { specialty, startsAt: at(from), endsAt: at(from + 0.5) } })).json();
    const s1 = await slot(24);
    const s2 = await slot(25);
    const overlapping = await h.app.inject({ method: "POST", url: "/api/v1/video/slots", headers: auth, payload: { specialty, startsAt: at(24.25), endsAt: at(24.75) } });
    expect(overlapping.statusCode).toBe(409);

    const [a, b] = [open("ru"), open("ru")];
    for (const p of [a, b]) await onboard(p);
    await a.say(`/appointments ${specialty}`);
    await waitText(a, /Выберите удобное время/);
    expect(buttonsOf(a)).toEqual(expect.arrayContaining([`video:book:${shortId(s1.id)}`, `video:book:${shortId(s2.id)}`]));

    // both press the same slot at once: one booking, one "taken"
    await Promise.all([a.press(`video:book:${shortId(s1.id)}`), b.press(`video:book:${shortId(s1.id)}`)]);
    await waitFor(() => [...texts(a), ...texts(b)].some((t) => /уже заняты/.test(t)));
    expect(await h.db.appointment.count({ where: { activeSlotId: s1.id } })).toBe(1);

    // not only the code: the database itself refuses a second active booking of the slot
    const holder = await h.db.appointment.findFirstOrThrow({ where: { activeSlotId: s1.id } });
    await expect(
      h.db.appointment.create({ data: { patientId: holder.patientId, accountId: holder.accountId, slotId: s1.id, activeSlotId: s1.id } }),
    ).rejects.toMatchObject({ code: "P2002" });

    const holderChat = holder.patientId === (await patientId(a)) ? a : b;
    // the doctor opens the call of a booked appointment: the patient gets a link to that visit's room
    const listed = (await h.app.inject({ method: "GET", url: "/api/v1/video/slots", headers: auth })).json().slots;
    expect(listed.find((s: { id: string }) => s.id === s1.id)).toMatchObject({ booked: true, appointmentId: holder.id });
    const opened = await h.app.inject({ method: "POST", url: `/api/v1/video/appointments/${holder.id}/start`, headers: auth });
    expect(opened.statusCode).toBe(200);
    const reopened = await h.app.inject({ method: "POST", url: `/api/v1/video/appointments/${holder.id}/start`, headers: auth });
    expect(reopened.json().visitId).toBe(opened.json().visitId);
    await waitText(holderChat, /Врач готов начать видеоконсультацию/);
    const link = /\/call\/([A-Za-z0-9_-]+)/.exec(texts(holderChat).find((t) => t.includes("/call/"))!)![1]!;
    const grant = (await h.app.inject({ method: "POST", url: `/call/${link}/join`, payload: { device: "device-appt-0001" } })).json();
    expect((await verifyToken(grant.token, LIVEKIT_KEY, LIVEKIT_SECRET)).video?.room).toBe(opened.json().room);

    await holderChat.press(`video:move:${shortId(holder.id)}`);
    await waitText(holderChat, /Выберите новое время/);
    await holderChat.press(`video:mv:${shortId(holder.id)}:${shortId(s2.id)}`);
    await waitText(holderChat, /Запись перенесена/);
    expect((await h.db.appointment.findUniqueOrThrow({ where: { id: holder.id } })).activeSlotId).toBe(s2.id);
    await holderChat.press(`video:cancel:${shortId(holder.id)}`);
    await waitText(holderChat, /Запись отменена/);
    expect(await h.db.appointment.count({ where: { activeSlotId: { in: [s1.id, s2.id] } } })).toBe(0);
    const slots = (await h.app.inject({ method: "GET", url: "/api/v1/video/slots", headers: auth })).json().slots;
    expect(slots.every((s: { booked: boolean }) => !s.booked)).toBe(true);
  });
});
