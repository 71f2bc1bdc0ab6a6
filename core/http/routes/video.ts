import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { InPersonAttendance } from "../../video/in-person-attendance";
import type { Recordings } from "../../video/recording";
import { slotSchema } from "../../video/slot-views";
import type { SlotBooking } from "../../video/slots";
import type { VideoEvents, VideoEvent } from "../../video/video-events";
import { shiftSchema } from "../../video/duty-shifts";
import type { VideoService } from "../../video/video-service";
import {
  acceptedVisitSchema,
  activeVisitSchema,
  callLinkSchema,
  dutyShiftSchema,
  interpreterVisitSchema,
  slotViewSchema,
  videoRequestSchema,
  visitDetailSchema,
} from "../../video/video-views";
import { eventStream, noContent } from "../responses";
import { requireRole } from "../staff-auth";

const idParams = z.object({ id: z.uuid() });

export interface VideoRouteDeps {
  video: VideoService;
  videoEvents: VideoEvents;
  slots: SlotBooking;
  recordings: Recordings;
  /** In-person appointments at the front desk (routes/in-person.ts). */
  attendance: InPersonAttendance;
}

/** The console's side of video consultations (staff scope: `request.doctor` is set). */
export const videoRoutes = (deps: VideoRouteDeps) => async (scope: FastifyInstance) => {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  // Everything here is the doctor's, except an interpreter's own calls.
  scope.addHook("preHandler", async (request) => {
    if (!request.routeOptions.url?.includes("/video/interpreting")) requireRole(request, "doctor");
  });
  // Streams are hijacked responses: closing the server would wait for them for ever, so they end first.
  const streams = new Set<import("node:http").ServerResponse>();
  scope.addHook("preClose", async () => {
    for (const stream of streams) stream.end();
  });

  app.post("/video/shifts", { schema: { body: shiftSchema, response: { 201: dutyShiftSchema } } }, async (request, reply) =>
    reply.status(201).send(await deps.video.shifts.publishShift(request.doctor, request.body)),
  );
  app.get("/video/shifts", { schema: { response: { 200: z.object({ shifts: z.array(dutyShiftSchema) }) } } }, async (request) => ({ shifts: await deps.video.shifts.shiftsOf(request.doctor) }));

  app.get("/video/requests", { schema: { response: { 200: z.object({ requests: z.array(videoRequestSchema) }) } } }, async (request) => ({ requests: await deps.video.openRequestsFor(request.doctor) }));

  /**
   * Server-sent events: new requests this doctor can take, and requests taken or withdrawn, from every api
   * instance (Redis pub/sub). The console shows a request as taken the moment another doctor wins it.
   */
  app.get("/video/stream", { schema: { response: { 200: eventStream("Video requests this doctor can take, and requests taken or withdrawn") } } }, async (request, reply) => {
    const doctor = request.doctor;
    await deps.videoEvents.ready();
    reply.hijack();
    const raw = reply.raw;
    streams.add(raw);
    raw.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive", "x-accel-buffering": "no" });
    const send = (name: string, data: unknown) => raw.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
    const relevant = (event: VideoEvent) =>
      event.type !== "request" || (doctor.specialties.includes(event.specialty) && doctor.languages.includes(event.language));
    const unsubscribe = deps.videoEvents.on((event) => {
      if (relevant(event)) send(event.type, event);
    });
    send("snapshot", { requests: await deps.video.openRequestsFor(doctor) });
    const heartbeat = setInterval(() => raw.write(": keep-alive\n\n"), 15_000);
    request.raw.on("close", () => {
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(raw);
    });
  });

  app.post("/video/requests/:id/accept", { schema: { params: idParams, response: { 200: acceptedVisitSchema } } }, async (request) =>
    deps.video.accept(request.doctor, request.params.id),
  );

  app.get("/video/visits", { schema: { response: { 200: z.object({ visits: z.array(activeVisitSchema) }) } } }, async (request) => ({ visits: await deps.video.calls.activeVisitsOf(request.doctor) }));

  app.get("/video/visits/:id", { schema: { params: idParams, response: { 200: visitDetailSchema } } }, async (request) => {
    const visit = await deps.video.calls.doctorsVisit(request.doctor, request.params.id);
    const events = await deps.video.calls.participantEvents(visit);
    return {
      id: visit.id,
      status: visit.status,
      room: visit.room,
      specialty: visit.specialty,
      language: visit.language,
      needsInterpreter: visit.needsInterpreter,
      acceptedAt: visit.acceptedAt,
      startedAt: visit.startedAt,
      endedAt: visit.endedAt,
      durationSeconds: visit.durationSeconds,
      recordingConsent: await deps.recordings.hasConsent(visit.id),
      recordings: await deps.recordings.list(visit.id),
      events,
    };
  });

  /** The doctor's own single-device link to the call page (with the intake beside the video). */
  app.post("/video/visits/:id/link", { schema: { params: idParams, response: { 200: callLinkSchema } } }, async (request) => ({
    url: await deps.video.doctorLink(request.doctor, request.params.id),
  }));

  app.post("/video/visits/:id/end", { schema: { params: idParams, response: { 204: noContent } } }, async (request, reply) => {
    await deps.video.calls.end(request.doctor, request.params.id);
    return reply.status(204).send();
  });

  app.post("/video/visits/:id/recording", { schema: { params: idParams, response: { 201: z.object({ id: z.string(), egressId: z.string(), status: z.string() }) } } }, async (request, reply) =>
    reply.status(201).send(await deps.recordings.start(request.doctor, request.params.id)),
  );
  app.delete("/video/visits/:id/recording", { schema: { params: idParams, response: { 204: noContent } } }, async (request, reply) => {
    await deps.video.calls.doctorsVisit(request.doctor, request.params.id);
    await deps.recordings.stop(request.doctor, request.params.id);
    return reply.status(204).send();
  });

  app.post("/video/slots", { schema: { body: slotSchema, response: { 201: slotViewSchema } } }, async (request, reply) =>
    reply.status(201).send(await deps.slots.publish(request.doctor, request.body)),
  );
  app.post("/video/appointments/:id/start", { schema: { params: idParams, response: { 200: z.object({ visitId: z.string(), room: z.string() }) } } }, async (request) =>
    deps.video.calls.startAppointment(request.doctor, request.params.id),
  );
  app.get("/video/slots", { schema: { response: { 200: z.object({ slots: z.array(slotViewSchema) }) } } }, async (request) => ({ slots: await deps.slots.slotsOf(request.doctor) }));

  // Interpreters are staff with the role `interpreter` (created like any staff account): their calls and links.
  app.get("/video/interpreting", { schema: { response: { 200: z.object({ visits: z.array(interpreterVisitSchema) }) } } }, async (request) => {
    requireRole(request, "interpreter");
    return { visits: await deps.video.calls.interpreterVisits(request.staff.interpreterId!) };
  });
  app.post("/video/interpreting/:id/link", { schema: { params: idParams, response: { 200: callLinkSchema } } }, async (request) => {
    requireRole(request, "interpreter");
    return { url: await deps.video.calls.interpreterLink(request.staff.interpreterId!, request.params.id) };
  });
};
