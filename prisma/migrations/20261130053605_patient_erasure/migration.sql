-- AlterTable
ALTER TABLE "Patient" ADD COLUMN     "erasedAt" TIMESTAMP(3),
ADD COLUMN     "erasureRequestedAt" TIMESTAMP(3),
ADD COLUMN     "retainUntil" TIMESTAMP(3);
