-- CreateTable
CREATE TABLE "CoverageRule" (
    "id" UUID NOT NULL,
    "specialty" TEXT NOT NULL,
    "language" TEXT NOT NULL,
    "fromMinute" INTEGER NOT NULL,
    "toMinute" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CoverageRule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CoverageDigest" (
    "day" DATE NOT NULL,
    "sentAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CoverageDigest_pkey" PRIMARY KEY ("day")
);

-- CreateIndex
CREATE INDEX "CoverageRule_specialty_language_idx" ON "CoverageRule"("specialty", "language");

-- A rule is a stretch of the day: 00:00–24:00 is the whole day, an empty one (from = to) means nothing.
ALTER TABLE "CoverageRule" ADD CONSTRAINT "CoverageRule_minutes_check"
  CHECK ("fromMinute" BETWEEN 0 AND 1439 AND "toMinute" BETWEEN 1 AND 1440 AND "fromMinute" <> "toMinute");
