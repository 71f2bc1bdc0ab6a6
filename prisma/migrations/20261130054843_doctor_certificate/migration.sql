-- AlterTable
ALTER TABLE "Doctor" ADD COLUMN     "certificateNumber" TEXT,
ADD COLUMN     "certificateValidUntil" DATE;
