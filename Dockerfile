# syntax=docker/dockerfile:1
# tandem itself: the CLI, `tandem serve` (the control plane deploy/ runs) and the launcher of the
# hybrid lane's ML steps (`tandem kfp run`), in one image. `tandem compile --image-recipe` starts a
# project's task image FROM this one, so the CLI, Node.js and tsx are there for every task.
#   docker build -t tandem:0.1.0 .
# Multi-stage: the build stage has the compilers (TypeScript, and g++ for better-sqlite3 when no
# prebuilt binary fits); the runtime stage only what `node bin/tandem.js` loads, run as `node`.

FROM node:20-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
# Every build script (build.js runs the others it needs).
COPY scripts/ scripts/
COPY src/ src/
RUN node scripts/build.js && npm prune --omit=dev --no-audit --no-fund

FROM node:20-slim
# perl: the embedded engine's task spawner (engine.spawner auto prefers it; node works without).
RUN apt-get update \
 && apt-get install -y --no-install-recommends perl-base tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    TANDEM_HOME=/var/lib/tandem
WORKDIR /opt/tandem
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules/ node_modules/
COPY --from=build /src/dist/ dist/
COPY bin/ bin/
COPY schema/ schema/
RUN ln -s /opt/tandem/bin/tandem.js /usr/local/bin/tandem \
 && mkdir -p /var/lib/tandem /workspace \
 && chown node:node /var/lib/tandem /workspace
# The image's own user (uid 1000), never root; deploy/ runs it with runAsNonRoot.
USER node
WORKDIR /workspace
EXPOSE 8080
ENTRYPOINT ["tini", "--", "tandem"]
CMD ["serve"]
