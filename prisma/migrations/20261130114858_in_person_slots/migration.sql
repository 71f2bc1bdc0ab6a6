-- AlterTable
ALTER TABLE "Appointment" ADD COLUMN     "attendedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "VideoSlot" ADD COLUMN     "address" TEXT,
ADD COLUMN     "kind" TEXT NOT NULL DEFAULT 'video',
ADD COLUMN     "room" TEXT;
