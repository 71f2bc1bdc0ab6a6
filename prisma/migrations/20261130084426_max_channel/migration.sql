-- AlterEnum
ALTER TYPE "ChannelName" ADD VALUE 'max';
