-- AlterTable
ALTER TABLE "MonitoringAlert" ADD COLUMN     "lastValue2" DOUBLE PRECISION;
