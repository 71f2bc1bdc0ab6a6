# One image for every process; docker-compose picks the entry point per service.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# dev dependencies too: vite builds the console into console/dist below.
RUN npm ci --no-audit --no-fund --include=dev
COPY . .
RUN npm run db:generate && npm run build:console && mkdir -p /var/lib/telecons/files && chown node /var/lib/telecons/files
USER node
EXPOSE 8080
CMD ["npm", "start"]
