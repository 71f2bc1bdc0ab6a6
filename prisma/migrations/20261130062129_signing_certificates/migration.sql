-- AlterTable
ALTER TABLE "Protocol" ADD COLUMN     "documentsError" TEXT;

-- CreateTable
CREATE TABLE "SigningCertificate" (
    "doctorId" UUID NOT NULL,
    "p12FileId" UUID NOT NULL,
    "passwordFileId" UUID NOT NULL,
    "subject" TEXT NOT NULL,
    "issuer" TEXT NOT NULL,
    "notBefore" TIMESTAMP(3) NOT NULL,
    "notAfter" TIMESTAMP(3) NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "uploadedBy" UUID NOT NULL,
    "uploadedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SigningCertificate_pkey" PRIMARY KEY ("doctorId")
);
