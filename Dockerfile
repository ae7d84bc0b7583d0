# syntax=docker/dockerfile:1
#
# segsvc container image.
#
#   docker build -t segsvc:dev --build-arg VERSION=0.1.0 --build-arg REVISION="$(git rev-parse HEAD)" .
#
# Two stages: the builder turns the source tree into a wheel and installs it with its dependencies into
# a virtual environment; the final stage is a plain slim Python with that virtual environment, the
# profile files under /app/config and nothing else (no compiler, no pip cache, no source tree).
# The process runs as an unprivileged numeric user, so Kubernetes can verify runAsNonRoot, and needs
# only /app/var (outbox) and /tmp writable, so the root filesystem can be mounted read-only.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

WORKDIR /src
COPY . .
# The pip cache lives in a BuildKit cache mount: rebuilds after a source change reuse downloaded
# dependencies, and nothing of it lands in a layer.
RUN --mount=type=cache,target=/root/.cache/pip \
    python -m pip wheel --no-deps --wheel-dir /wheels . \
 && python -m venv /opt/venv \
 && /opt/venv/bin/pip install /wheels/*.whl \
 && /opt/venv/bin/python -c 'import segsvc' \
 && test -x /opt/venv/bin/segsvc

FROM ${PYTHON_IMAGE}

ARG VERSION=0.0.0-dev
ARG REVISION=unknown
ARG CREATED=unknown

LABEL org.opencontainers.image.title="segsvc" \
      org.opencontainers.image.description="ALT_LAS Segmentation Service: turns a command into an ALT document of ordered task segments" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.vendor="ALT_LAS" \
      org.opencontainers.image.licenses="Proprietary" \
      org.opencontainers.image.documentation="docs/deployment.md" \
      org.opencontainers.image.base.name="${PYTHON_IMAGE}"

# SEGSVC_PROFILE is deliberately not set: the image defaults to the "local" profile, and the deployer
# chooses "production" (which refuses to start without authentication) together with its secrets.
ENV PATH=/opt/venv/bin:${PATH} \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    SEGSVC_CONFIG_DIR=/app/config \
    SEGSVC_ARCHIVE__OUTBOX_DIR=/app/var/outbox

RUN groupadd --system --gid 10001 segsvc \
 && useradd --system --uid 10001 --gid segsvc --home-dir /app --no-create-home \
            --shell /usr/sbin/nologin segsvc

WORKDIR /app
COPY --from=builder /opt/venv /opt/venv
COPY config/ /app/config/
RUN mkdir -p /app/var/outbox && chown -R 10001:10001 /app/var

USER 10001:10001

# 8080: HTTP API, health and metrics; 9090: gRPC.
EXPOSE 8080 9090

# No curl in the image: the standard library's urllib does the probe. Any non-2xx answer raises, and
# the exception makes the exit status non-zero.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health/live' % os.environ.get('SEGSVC_HTTP__PORT', '8080'), timeout=2)"]

# Exec form: the Python process is PID 1 and receives SIGTERM itself; it drains (shutdown.drain_seconds),
# deregisters from Consul and exits 0.
ENTRYPOINT ["segsvc"]
CMD ["serve"]
