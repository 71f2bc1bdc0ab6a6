# One image for every process; docker-compose.yml picks the entry point per service.
# Two stages: the build has the dev dependencies (Vite builds the console), the image ships production ones only.
FROM node:22-bookworm-slim AS build
WORKDIR /app
# What `npm ci`'s postinstall (prisma generate) reads; copied first so a code change reuses the installed layer.
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
COPY scripts ./scripts
# No dependency install scripts, as on the development machines with npm 11's allowScripts (package.json): the image's
# npm 10 would otherwise run them (Prisma's would download engines we do not use). Then the Prisma client, offline.
RUN npm ci --no-audit --no-fund --include=dev --ignore-scripts && npm run db:generate
COPY . .
RUN npm run build:console && npm prune --omit=dev --no-audit --no-fund

FROM node:22-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
# The code belongs to root and only reads for the `node` user that runs it.
COPY --from=build /app /app
# Docker copies these into empty named volumes with their owner and mode on first use:
# files (encrypted at rest) and certificates for `node` only; recordings also for the egress container, which runs
# as another user and writes the plain MP4 there until the api has encrypted and removed it.
RUN install -d -o node -g node -m 700 /var/lib/telecons/files /etc/telecons/certs \
 && install -d -o node -g node -m 777 /var/lib/telecons/recordings
USER node
EXPOSE 8080 9464
# node itself as the container's process (not npm), so SIGTERM reaches the shutdown in bin/compose.ts.
CMD ["node", "--import", "tsx", "bin/all.ts"]
