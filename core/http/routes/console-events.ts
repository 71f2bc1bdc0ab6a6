import type { FastifyInstance } from "fastify";
import { eventStream } from "../responses";
import type { ConsoleEvent, RedisConsoleEvents } from "../../realtime/console-events";
import type { StaffMember } from "../../staff/staff-member";

const HEARTBEAT_MS = 25_000;

/**
 * Doctors hear about their own consultations and open ones in their specialties and languages (urgent ones in any
 * language); operators and
 * admins about all consultations, interpreters about none. Alerts and lab results are clinical: only the patient's responsible doctor
 * hears them, or every doctor while the patient has none (as the alert list shows them). A question to a colleague
 * and its answer reach only the doctors they are addressed to. Unmatched lab deliveries concern everyone who works
 * the review list; coverage gaps those who plan the rota.
 */
export function mayHear(staff: StaffMember, event: ConsoleEvent): boolean {
  const doctor = staff.doctor;
  if (event.type === "lab.review") return staff.role !== "interpreter";
  // The rota is planned by admins and operators (core/access/rota-access.ts).
  if (event.type === "coverage.gaps") return staff.role === "admin" || staff.role === "operator";
  if (event.type === "colleague.invited" || event.type === "colleague.answered") {
    if (!doctor) return false;
    if (event.doctorId) return event.doctorId === doctor.id;
    return event.specialty !== null && doctor.specialties.includes(event.specialty) && doctor.id !== event.askedById;
  }
  if (!("consultationId" in event)) return !!doctor && (event.doctorId === null || event.doctorId === doctor.id);
  // Consultation events are routing facts (ids, specialty, language): operators and admins route; interpreters
  // only hear of the calls they are invited to (/video/interpreting).
  if (staff.role === "interpreter") return false;
  if (staff.role !== "doctor") return true;
  if (!doctor) return false;
  if (event.doctorId) return event.doctorId === doctor.id;
  return doctor.specialties.includes(event.specialty) && (event.urgent || doctor.languages.includes(event.language));
}

/** Server-sent events: the browser's EventSource reconnects by itself after a network blip. */
export const consoleEventRoutes = (deps: { events: RedisConsoleEvents }) => async (app: FastifyInstance) => {
  const open = new Set<{ end(): void }>();
  // Hijacked streams would keep the server from closing: end them first.
  app.addHook("onClose", async () => {
    for (const res of open) res.end();
  });
  app.get("/events", { schema: { response: { 200: eventStream("Consultation, alert, colleague and lab events this member of staff may hear") } } }, async (request, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    res.write(": connected\n\n");
    open.add(res);
    const staff = request.staff;
    const unsubscribe = await deps.events.subscribe((event) => {
      if (mayHear(staff, event)) res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(": ping\n\n"), HEARTBEAT_MS);
    request.raw.on("close", () => {
      clearInterval(heartbeat);
      open.delete(res);
      unsubscribe();
    });
  });
};
