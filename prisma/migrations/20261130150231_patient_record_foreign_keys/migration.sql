-- Rows the retention sweep left behind before these keys existed (it did not know renewals and MIS pushes):
-- their patient or protocol is gone, so they belong to a destroyed record.
DELETE FROM "MisPush" WHERE "protocolId" NOT IN (SELECT "id" FROM "Protocol");
DELETE FROM "PrescriptionRenewal" WHERE "patientId" NOT IN (SELECT "id" FROM "Patient") OR "protocolId" NOT IN (SELECT "id" FROM "Protocol");
DELETE FROM "RecordingConsent" WHERE "patientId" NOT IN (SELECT "id" FROM "Patient");

-- AddForeignKey
ALTER TABLE "RecordingConsent" ADD CONSTRAINT "RecordingConsent_patientId_fkey" FOREIGN KEY ("patientId") REFERENCES "Patient"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MisPush" ADD CONSTRAINT "MisPush_protocolId_fkey" FOREIGN KEY ("protocolId") REFERENCES "Protocol"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ColleagueInvitation" ADD CONSTRAINT "ColleagueInvitation_consultationId_fkey" FOREIGN KEY ("consultationId") REFERENCES "Consultation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ColleagueInvitation" ADD CONSTRAINT "ColleagueInvitation_patientId_fkey" FOREIGN KEY ("patientId") REFERENCES "Patient"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TranslationRequest" ADD CONSTRAINT "TranslationRequest_consultationId_fkey" FOREIGN KEY ("consultationId") REFERENCES "Consultation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TranslationRequest" ADD CONSTRAINT "TranslationRequest_patientId_fkey" FOREIGN KEY ("patientId") REFERENCES "Patient"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PrescriptionRenewal" ADD CONSTRAINT "PrescriptionRenewal_patientId_fkey" FOREIGN KEY ("patientId") REFERENCES "Patient"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PrescriptionRenewal" ADD CONSTRAINT "PrescriptionRenewal_protocolId_fkey" FOREIGN KEY ("protocolId") REFERENCES "Protocol"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Consilium" ADD CONSTRAINT "Consilium_patientId_fkey" FOREIGN KEY ("patientId") REFERENCES "Patient"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
