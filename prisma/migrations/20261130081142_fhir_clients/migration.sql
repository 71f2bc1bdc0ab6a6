-- CreateTable
CREATE TABLE "FhirClient" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "jwks" JSONB NOT NULL,
    "scopes" TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disabledAt" TIMESTAMP(3),

    CONSTRAINT "FhirClient_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FhirAssertionUse" (
    "clientId" TEXT NOT NULL,
    "jti" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "FhirAssertionUse_pkey" PRIMARY KEY ("clientId","jti")
);

-- CreateTable
CREATE TABLE "FhirAccessToken" (
    "tokenHash" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "scopes" TEXT[],
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FhirAccessToken_pkey" PRIMARY KEY ("tokenHash")
);

-- CreateIndex
CREATE INDEX "FhirAssertionUse_expiresAt_idx" ON "FhirAssertionUse"("expiresAt");

-- CreateIndex
CREATE INDEX "FhirAccessToken_expiresAt_idx" ON "FhirAccessToken"("expiresAt");
