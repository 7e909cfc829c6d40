# syntax=docker/dockerfile:1
# One image for every churnstream app and the batch CLI, running compiled JavaScript: the build
# stage compiles the TypeScript with `nest build` (SWC, nest-cli.json) into dist/, the deps stage
# installs the production dependencies only, and the runtime stage holds those two and package.json
# (its "type": "module" makes dist/ ES modules), with no TypeScript compiler, no tsx and no sources.
# Each compose service / k8s container picks its compiled entry file as the command, e.g.
#   docker run churnstream/app:local dist/apps/features/src/main.js
# Node 24 is the LTS line supported longest (until 2028-04-30; 22 ends 2027-04-30). `npm test` runs
# the unit tests under this same version, read from the line below.
ARG NODE_IMAGE=node:24.21.0-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY nest-cli.json tsconfig.json tsconfig.build.json ./
COPY libs ./libs
COPY apps ./apps
# One SWC pass compiles every app and lib (spec files excluded) and copies the assets (aggregate.lua).
RUN npm run build

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Native add-ons (duckdb, resvg) come as prebuilt optional packages for linux-x64/arm64.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HTTP_HOST=0.0.0.0 \
    MODEL_PATH=/app/models/current/model.json
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --chown=node:node package.json ./
COPY --from=build --chown=node:node /app/dist ./dist
# /app/models exists and belongs to `node` so that a fresh named volume mounted there (compose) is
# created with that owner and the trainer can write the model into it.
RUN mkdir -p /app/models /app/out && chown node:node /app/models /app/out
USER node
EXPOSE 3000 3001 3002 3003 3004
ENTRYPOINT ["node"]
CMD ["dist/apps/api/src/main.js"]
