# One image for every service of the engines mode; the command picks the service (see docker-compose.yml).
FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/* \
  && npm install -g pnpm@10.34.9
WORKDIR /app
COPY . .
RUN pnpm install --frozen-lockfile --reporter=append-only
ENV TSX_TSCONFIG_PATH=/app/tsconfig.json HOST=0.0.0.0
CMD ["node", "--import", "tsx", "services/server/src/main.ts"]
