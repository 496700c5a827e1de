# Build the SPA, build the server, run both from one small image.
FROM node:20-bookworm-slim AS web
WORKDIR /src
COPY openapi ./openapi
COPY frontend/package.json frontend/package-lock.json ./frontend/
RUN cd frontend && npm ci --no-audit --no-fund
COPY frontend ./frontend
RUN cd frontend && npm run build

FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release -p cme-server

FROM debian:bookworm-slim
# The fonts the PDFs print with (cme_documents::FONT_PACKAGES; a test compares the lists):
# without them every certificate and form answers 500 and /health reports documents down.
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl \
        fonts-noto-cjk fonts-hanazono \
    && rm -rf /var/lib/apt/lists/* && useradd --system --home /app cme \
    && mkdir -p /var/lib/cme/files && chown cme /var/lib/cme/files
WORKDIR /app
COPY --from=build /src/target/release/cme /usr/local/bin/cme
COPY --from=web /src/frontend/dist /app/dist
USER cme
EXPOSE 8080
# Configuration comes only from the environment variables the README lists.
CMD ["cme", "serve"]
