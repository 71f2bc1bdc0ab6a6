#!/bin/sh
# Stand-in for Prisma 7's native schema engine, which cannot be downloaded here.
# PRISMA_SCHEMA_ENGINE_BINARY points at this file so `prisma generate` (7.x) skips the
# download; generation only needs the bundled WASM. Migrations run with the 6.19 CLI instead.
echo "native Prisma schema engine not available offline: use npm run db:migrate:* (Prisma 6.19 JS engine)" >&2
exit 1
