# Madoguchi as a container (not built on the machine this was written on: no Docker there).
#   docker build -t madoguchi .      or, with the production parts:  docker compose up -d --wait

# Build: all dependencies (the swc compiler is a dev dependency), compile, then keep only what runs.
FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 falls back to compiling from source when no prebuilt binary matches.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY .swcrc tsconfig.json ./
COPY src ./src
# The staff page (/ui/): its sources and the esbuild script that bundles them (both dev dependencies, like swc).
COPY scripts/build-ui.mjs ./scripts/
COPY ui ./ui
RUN npm run build && npm prune --omit=dev

# Run: the compiled service and its production dependencies, as the unprivileged user `node`.
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/ui/dist ./ui/dist
RUN mkdir -p /data && chown node:node /data
USER node
# SQLite event store and key store of the embedded default, and the generated key files (secrets/, mode 600).
VOLUME ["/data"]
EXPOSE 3000
# /health answers 200 while the event store answers, 503 otherwise (each read has a 5 s deadline).
HEALTHCHECK --interval=15s --timeout=8s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]
