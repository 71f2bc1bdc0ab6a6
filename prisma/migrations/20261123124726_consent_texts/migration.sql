-- CreateTable
CREATE TABLE "ConsentText" (
    "kind" "ConsentKind" NOT NULL,
    "version" TEXT NOT NULL,
    "language" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "publishedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "publishedById" UUID,

    CONSTRAINT "ConsentText_pkey" PRIMARY KEY ("kind","version","language")
);

-- CreateIndex
CREATE INDEX "ConsentText_kind_publishedAt_idx" ON "ConsentText"("kind", "publishedAt");
