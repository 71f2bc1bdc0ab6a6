import { expect } from "vitest";
import { totpCode } from "../../core/staff/totp";
import type { Harness } from "./harness";

/** A real 1×1 PNG and a small PDF: what file-type must accept. */
export const samplePng = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);
export const samplePdf = Buffer.from("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n");
/** A text file named like a PDF: the name must not decide the type. */
export const notReallyPdf = Buffer.from("#!/bin/sh\necho this is not a pdf\n");

/** A doctor logged in to the console (cookie session), as console-api.e2e.test.ts does. */
export async function consoleDoctor(h: Harness) {
  const email = `doctor-${Math.random().toString(36).slice(2)}@clinic.test`;
  const password = "a long enough password";
  const created = await h.services.staff.create({ email, name: "Anna Petrova", role: "doctor", password, specialties: ["gp"], languages: ["ru", "en"] });
  const login = await h.app.inject({ method: "POST", url: "/api/v1/auth/login", payload: { email, password, code: totpCode(created.totpSecret) } });
  expect(login.statusCode).toBe(200);
  const headers = { cookie: String(login.headers["set-cookie"]).split(";")[0]!, "x-requested-with": "telecons-console" };
  return {
    headers,
    /** Files are instructions or leaflets unless said otherwise: medical ones reach unverified patients only through the account. */
    async reply(consultationId: string, text: string, files: Array<{ fileName: string; mimeType: string; bytes: Buffer; kind?: "medical" | "leaflet" }> = []) {
      const fileIds: string[] = [];
      for (const file of files) {
        const payload = { fileName: file.fileName, mimeType: file.mimeType, base64: file.bytes.toString("base64"), kind: file.kind ?? "leaflet" };
        const upload = await h.app.inject({ method: "POST", url: "/api/v1/files", headers, payload });
        expect(upload.statusCode).toBe(201);
        fileIds.push(upload.json().id);
      }
      const url = `/api/v1/consultations/${consultationId}/messages`;
      const sent = await h.app.inject({ method: "POST", url, headers, payload: { text, fileIds } });
      expect(sent.statusCode).toBe(201);
    },
  };
}
