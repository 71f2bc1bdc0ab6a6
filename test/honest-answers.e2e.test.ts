import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { shortId } from "../core/video/short-id";
import { maxDriver, onboard, telegramDriver, type MessengerDriver } from "./helpers/channel-drivers";
import { startHarness, type Harness } from "./helpers/harness";
import { walkIntake } from "./helpers/intake-steps";
import { scratchDatabase, type ScratchDatabase } from "./helpers/scratch-database";

// Issue 22 point 3: what the patient is told when no doctor who speaks their language is on duty.
// Its own database: who is on duty for gp is the whole point, and other suites publish gp shifts and interpreters.
// The rota's clock is pinned, each test to its own month, so one test's shifts are never another's "next shift";
// and each messenger gets a database of its own, since the queues and the rota are the clinic's, not the channel's.
let h: Harness;
let database: ScratchDatabase;
type User = MessengerDriver;
type Message = { text: string; buttons: Array<{ data?: string }> };

const messengers: Array<[string, (language: string) => MessengerDriver]> = [
  ["Telegram", (language) => telegramDriver(h, language)],
  ["MAX", (language) => maxDriver(h, language)],
];
let open: (language: string) => MessengerDriver;

const HOUR = 3600_000;
const texts = (user: User) => user.texts();
const buttonsOf = (message: Message | undefined) => (message?.buttons ?? []).map((b) => b.data);

/** Waits until every reply queued for the patient reached the messenger. */
const settled = (user: User) => user.settled();
const patientOf = async (user: User) =>
  (await h.db.messengerAccount.findUniqueOrThrow({ where: { channel_externalUserId: { channel: user.channel, externalUserId: user.externalUserId } } })).patientId;

function pin(at: string): Date {
  const now = new Date(at);
  h.services.dutyNow.clock = () => now;
  return now;
}

async function doctor(languages: string[], shift?: { from: Date; hours: number }) {
  const { doctor, apiToken } = await h.services.doctors.create({ name: `Врач ${languages.join("+")}`, specialties: ["gp"], languages });
  const auth = { authorization: `Bearer ${apiToken}` };
  if (shift) {
    const payload = { specialty: "gp", startsAt: shift.from.toISOString(), endsAt: new Date(shift.from.getTime() + shift.hours * HOUR).toISOString() };
    expect((await h.app.inject({ method: "POST", url: "/api/v1/video/shifts", headers: auth, payload })).statusCode).toBe(201);
  }
  return { doctor, auth };
}

/** An interpreter of tg and ky; on duty for `hours` from `from` when given (no route plans their shifts yet). */
async function interpreter(name: string, shift?: { from: Date; hours: number }) {
  const row = await h.db.interpreter.create({ data: { name, languages: ["tg", "ky"] } });
  if (shift) await h.db.interpreterShift.create({ data: { interpreterId: row.id, startsAt: shift.from, endsAt: new Date(shift.from.getTime() + shift.hours * HOUR) } });
  return row;
}

/** A patient in `language` with both consents, in `city`'s zone when given (else the default, Moscow). */
async function patient(language: string, city?: string): Promise<User> {
  const user = open(language);
  await onboard(user);
  if (city) await user.press(`tz:${city}`);
  await settled(user);
  return user;
}

/** The intake to a written question; the replies after the "consultation open" message. */
async function writtenQuestion(user: User, complaint: string): Promise<Message[]> {
  const before = user.messages().length;
  await walkIntake(user, complaint);
  await settled(user);
  return user.messages().slice(before).slice(-2);
}

async function videoNow(user: User): Promise<Message> {
  await user.say("/video gp");
  await settled(user);
  return user.messages().at(-1)!;
}

const requestsOf = async (auth: { authorization: string }) =>
  (await h.app.inject({ method: "GET", url: "/api/v1/video/requests", headers: auth })).json().requests as Array<{ visitId: string; language: string; needsInterpreter: boolean; urgent: boolean }>;

describe.each(messengers)("honest answers on %s when nobody who speaks the patient's language is on duty", (messenger, driver) => {
  beforeAll(async () => {
    database = await scratchDatabase(`honest_${messenger.toLowerCase()}`);
    h = await startHarness({ DATABASE_URL: database.url });
    open = driver;
  });
  afterAll(async () => {
    await h?.close();
    await database?.drop();
  });

  it("offers a Russian-speaking doctor with the interpreter on duty (Tajik, Kyrgyz), and the next shift in the patient's zone", async () => {
    const now = pin("2027-03-01T20:00:00Z"); // 01:00 in Dushanbe, 02:00 in Bishkek, 23:00 in Moscow
    // The most senior interpreter is off duty: the call must get the one on duty.
    await interpreter("Off duty");
    const onDuty = await interpreter("On duty", { from: new Date(now.getTime() - HOUR), hours: 4 });
    const russian = await doctor(["ru"], { from: new Date(now.getTime() - HOUR), hours: 4 });
    await doctor(["tg", "ky"], { from: new Date(now.getTime() + 7 * HOUR), hours: 8 }); // 08:00 Dushanbe, 09:00 Bishkek, 06:00 Moscow

    const tajik = await patient("tg", "dushanbe");
    const [opened, answer] = await writtenQuestion(tajik, "Се рӯз аст, ки сулфа мекунам");
    expect(opened!.text).toMatch(/^Муроҷиати № \d+/);
    const tajikText = answer!.text.split("\n\n");
    expect(tajikText[0]).toBe("Ҳоло духтури навбатдоре, ки бо забони шумо гап занад, нест.");
    expect(tajikText[1]).toMatch(/^Ҳоло духтури русзабон ва тарҷумони забони шумо дар навбатанд/);
    expect(tajikText[2]).toMatch(/^Навбатдории навбатии духтуре, ки бо забони шумо гап мезанад, .*2027.*08:00 оғоз мешавад \(минтақаи вақт: Душанбе\)\.$/);
    expect(tajikText[3]).toBe("Саволи шумо нигоҳ дошта шуд: вақте ки навбатдорӣ оғоз шавад, духтур дар ҳамин ҷо ҷавоб медиҳад.");
    const consultation = await h.db.consultation.findFirstOrThrow({ where: { patientId: await patientOf(tajik) } });
    expect(buttonsOf(answer)).toEqual([`video:now:${shortId(consultation.id)}`]);

    // The button: a video call with the Russian-speaking doctor and the interpreter on duty, for this consultation.
    await tajik.press(`video:now:${shortId(consultation.id)}`);
    await settled(tajik);
    const visit = await h.db.videoVisit.findFirstOrThrow({ where: { patientId: await patientOf(tajik) } });
    expect(visit).toMatchObject({ consultationId: consultation.id, needsInterpreter: true, language: "tg", status: "waiting" });
    expect(await requestsOf(russian.auth)).toMatchObject([{ visitId: visit.id, language: "ru", needsInterpreter: true }]);
    const accepted = await h.app.inject({ method: "POST", url: `/api/v1/video/requests/${visit.id}/accept`, headers: russian.auth });
    expect(accepted.statusCode).toBe(200);
    expect((await h.db.videoVisit.findUniqueOrThrow({ where: { id: visit.id } })).interpreterId).toBe(onDuty.id);

    // Video now in Kyrgyz, the zone never chosen: Moscow time, said so, with /timezone.
    const kyrgyz = await patient("ky");
    const offer = await videoNow(kyrgyz);
    const kyrgyzText = offer!.text.split("\n\n");
    expect(kyrgyzText[0]).toBe("Азыр сиздин тилде сүйлөгөн кезметчи дарыгер жок.");
    expect(kyrgyzText[1]).toMatch(/^Азыр орус тилдүү дарыгер жана сиздин тилдин котормочусу кезметте/);
    expect(kyrgyzText[2]).toMatch(/^Сиздин тилде сүйлөгөн дарыгердин кийинки кезмети Москва убактысы боюнча .*2027.*06:00 башталат\. .*\/timezone/);
    expect(kyrgyzText[3]).toMatch(/^Сурооңузду азыр жазуу түрүндө берсеңиз болот/);
    const kyVisit = await h.db.videoVisit.findFirstOrThrow({ where: { patientId: await patientOf(kyrgyz) } });
    const sid = shortId(kyVisit.id);
    expect(buttonsOf(offer)).toEqual([`video:int:${sid}`, `video:write:${sid}`, `video:wait:${sid}`, `video:leave:${sid}`]);
    // Not in any queue until the patient chooses.
    expect((await requestsOf(russian.auth)).map((r) => r.visitId)).not.toContain(kyVisit.id);
    await kyrgyz.press(`video:int:${sid}`);
    await settled(kyrgyz);
    expect(texts(kyrgyz).at(-1)).toMatch(/^Сиз видеоконсультациянын кезегиндесиз: 1-орун/);
    expect((await requestsOf(russian.auth)).map((r) => r.visitId)).toContain(kyVisit.id);
  });

  it("offers the written question answered at the next shift, shown in the patient's zone, when nobody is on duty (Tajik, Kyrgyz)", async () => {
    const now = pin("2027-04-01T20:00:00Z");
    await doctor(["ru"]); // a Russian-speaking doctor exists but is not on duty
    await interpreter("Interpreter off duty");
    await doctor(["tg", "ky"], { from: new Date(now.getTime() + 7 * HOUR), hours: 8 });

    const tajik = await patient("tg", "dushanbe");
    const [, answer] = await writtenQuestion(tajik, "Дандонам дард мекунад");
    expect(answer!.text.split("\n\n")).toEqual([
      "Ҳоло духтури навбатдоре, ки бо забони шумо гап занад, нест.",
      expect.stringMatching(/^Навбатдории навбатии духтуре, ки бо забони шумо гап мезанад, .*2027.*08:00 оғоз мешавад \(минтақаи вақт: Душанбе\)\.$/),
      "Саволи шумо нигоҳ дошта шуд: вақте ки навбатдорӣ оғоз шавад, духтур дар ҳамин ҷо ҷавоб медиҳад.",
    ]);
    expect(buttonsOf(answer)).toEqual([]);

    const kyrgyz = await patient("ky", "bishkek");
    const [, kyAnswer] = await writtenQuestion(kyrgyz, "Тишим ооруп жатат");
    expect(kyAnswer!.text.split("\n\n")).toEqual([
      "Азыр сиздин тилде сүйлөгөн кезметчи дарыгер жок.",
      expect.stringMatching(/^Сиздин тилде сүйлөгөн дарыгердин кийинки кезмети .*2027.*09:00 башталат \(убакыт алкагы: Бишкек\)\.$/),
      "Сурооңуз сакталды: кезмет башталганда дарыгер ушул жерде жооп берет.",
    ]);

    // Video now: no interpreter choice; a written question instead, or waiting with the time it ends.
    const video = await patient("tg", "dushanbe");
    const offer = await videoNow(video);
    expect(offer!.text).toMatch(/08:00 оғоз мешавад/);
    const visit = await h.db.videoVisit.findFirstOrThrow({ where: { patientId: await patientOf(video) } });
    const sid = shortId(visit.id);
    expect(buttonsOf(offer)).toEqual([`video:write:${sid}`, `video:wait:${sid}`, `video:leave:${sid}`]);
    // Asking again before choosing: the same choices for the same visit, not "you are waiting".
    expect(buttonsOf(await videoNow(video))).toEqual([`video:write:${sid}`, `video:wait:${sid}`, `video:leave:${sid}`]);
    expect(await h.db.videoVisit.count({ where: { patientId: await patientOf(video) } })).toBe(1);
    await video.press(`video:write:${sid}`);
    await settled(video);
    expect(texts(video).at(-1)).toMatch(/^Шумо аз навбати занги видеоӣ баромадед\. Саволи худро дар ҳамин ҷо нависед/);
    expect((await h.db.videoVisit.findUniqueOrThrow({ where: { id: visit.id } })).status).toBe("left");
  });

  it("changes nothing when a doctor who speaks the patient's language is on duty", async () => {
    const now = pin("2027-05-01T20:00:00Z");
    const tajikDoctor = await doctor(["tg"], { from: new Date(now.getTime() - HOUR), hours: 4 });
    await interpreter("Interpreter on duty", { from: new Date(now.getTime() - HOUR), hours: 4 });

    const tajik = await patient("tg", "dushanbe");
    const [, last] = await writtenQuestion(tajik, "Се рӯз аст, ки сулфа мекунам");
    expect(last!.text).toMatch(/^Муроҷиати № \d+/);
    expect(texts(tajik).some((t) => t.includes("нест."))).toBe(false);

    const video = await patient("tg");
    await videoNow(video);
    const visit = await h.db.videoVisit.findFirstOrThrow({ where: { patientId: await patientOf(video) } });
    expect(texts(video).at(-1)).toMatch(/навбат/);
    expect(buttonsOf(video.messages().at(-1))).toEqual([`video:leave:${shortId(visit.id)}`]);
    expect(await requestsOf(tajikDoctor.auth)).toMatchObject([{ visitId: visit.id, language: "tg", needsInterpreter: false }]);
  });

  it("answers an emergency with 103/112 first, then routes it to the first free doctor whatever the language", async () => {
    const now = pin("2027-06-01T20:00:00Z");
    const russian = await doctor(["ru"], { from: new Date(now.getTime() - HOUR), hours: 4 });
    await interpreter("Interpreter on duty", { from: new Date(now.getTime() - HOUR), hours: 4 });

    // Video: the red flag in the complaint, then the intake to "video now".
    const tajik = await patient("tg", "dushanbe");
    const before = texts(tajik).length;
    await walkIntake(tajik, "Синаам сахт дард мекунад ва нафасам танг аст", { format: "video" });
    await settled(tajik);
    // The emergency answer is the first reply to the complaint, before anything the intake asks.
    expect(texts(tajik)[before]).toMatch(/^⚠️.*103.*112/s);
    const routed = texts(tajik).at(-1)!.split("\n\n");
    expect(routed[0]).toBe("Ҳоло духтури навбатдоре, ки бо забони шумо гап занад, нест.");
    expect(routed[1]).toMatch(/^Муроҷиати шумо фаврӣ аст.*ба занг тарҷумони забони шумо пайваст мешавад\.$/);
    expect(routed[2]).toMatch(/навбат/);
    const visit = await h.db.videoVisit.findFirstOrThrow({ where: { patientId: await patientOf(tajik) } });
    expect(visit.needsInterpreter).toBe(true);
    // First in the Russian-speaking doctors' list, ahead of anyone routine waiting longer.
    expect((await requestsOf(russian.auth))[0]).toMatchObject({ visitId: visit.id, language: "ru", needsInterpreter: true, urgent: true });

    // Written: the Russian-speaking doctor sees the urgent Kyrgyz question in the console queue and may take it.
    const kyrgyz = await patient("ky", "bishkek");
    const kyBefore = texts(kyrgyz).length;
    await walkIntake(kyrgyz, "Көкүрөгүм катуу ооруп, дем жетпей жатат", { format: "async" });
    await settled(kyrgyz);
    // The emergency answer is the first reply to the complaint, before anything the intake asks.
    expect(texts(kyrgyz)[kyBefore]).toMatch(/^⚠️.*103.*112/s);
    expect(texts(kyrgyz).at(-1)!.split("\n\n")).toEqual([
      "Азыр сиздин тилде сүйлөгөн кезметчи дарыгер жок.",
      "Кайрылууңуз шашылыш, ошондуктан ал сиздин тилде сүйлөгөн дарыгерди күтпөйт: аны биринчи бошогон дарыгер алат жана орусча жооп бериши мүмкүн.",
    ]);
    const consultation = await h.db.consultation.findFirstOrThrow({ where: { patientId: await patientOf(kyrgyz) } });
    expect(consultation.urgent).toBe(true);
    const queue = (await h.app.inject({ method: "GET", url: "/api/v1/consultations", headers: russian.auth })).json().consultations;
    expect(queue).toEqual(expect.arrayContaining([expect.objectContaining({ id: consultation.id, urgent: true, patientLanguage: "ky" })]));
    const take = await h.app.inject({ method: "POST", url: `/api/v1/consultations/${consultation.id}/take`, headers: russian.auth });
    expect(take.statusCode).toBe(204);
  });
});
