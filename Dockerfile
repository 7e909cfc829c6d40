# syntax=docker/dockerfile:1
# One image for every churnstream app and the batch CLI. The apps run TypeScript through tsx (as they
# do natively), so there is no build step: the deps stage installs the production dependencies from
# the lockfile, the runtime stage adds the sources and runs as the unprivileged `node` user.
# Each compose service / k8s container picks its entry file as the command, e.g.
#   docker run churnstream/app apps/features/src/main.ts
ARG NODE_IMAGE=node:20-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Native add-ons (duckdb, resvg) and esbuild come as prebuilt optional packages for linux-x64/arm64.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HTTP_HOST=0.0.0.0 \
    MODEL_PATH=/app/models/current/model.json
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
# tsconfig.json carries the @churnstream/* path aliases that tsx resolves at run time.
COPY --chown=node:node package.json tsconfig.json ./
COPY --chown=node:node libs ./libs
COPY --chown=node:node apps ./apps
# /app/models exists and belongs to `node` so that a fresh named volume mounted there (compose) is
# created with that owner and the trainer can write the model into it.
RUN mkdir -p /app/models /app/out && chown node:node /app/models /app/out
USER node
EXPOSE 3000 3001 3002 3003 3004
ENTRYPOINT ["node", "--import", "tsx"]
CMD ["apps/api/src/main.ts"]
