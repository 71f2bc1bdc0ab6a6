-- CreateTable
CREATE TABLE "AnalyticsDayCount" (
    "timeZone" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "dimension" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "consultations" INTEGER NOT NULL,
    "redFlags" INTEGER NOT NULL,
    "escalations" INTEGER NOT NULL,

    CONSTRAINT "AnalyticsDayCount_pkey" PRIMARY KEY ("timeZone","day","dimension","key")
);

-- CreateTable
CREATE TABLE "AnalyticsDayFirstReply" (
    "timeZone" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "minutes" INTEGER NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "AnalyticsDayFirstReply_pkey" PRIMARY KEY ("timeZone","day","minutes")
);

-- CreateTable
CREATE TABLE "AnalyticsDayRating" (
    "timeZone" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "doctorId" TEXT NOT NULL,
    "ratings" INTEGER NOT NULL,
    "promoters" INTEGER NOT NULL,
    "detractors" INTEGER NOT NULL,

    CONSTRAINT "AnalyticsDayRating_pkey" PRIMARY KEY ("timeZone","day","doctorId")
);

-- CreateTable
CREATE TABLE "AnalyticsRefresh" (
    "timeZone" TEXT NOT NULL,
    "refreshedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AnalyticsRefresh_pkey" PRIMARY KEY ("timeZone")
);
