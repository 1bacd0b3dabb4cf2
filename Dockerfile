# RuleHub (the registry service and its portal) as a container image.
#
#   docker compose up --build          # with PostgreSQL and Redis: see compose.yaml
#
# Two stages: the wheel is built where a C compiler is (the Go grammar is a C extension),
# the runtime image gets only the wheel and its [hub,postgres] dependencies.
FROM python:3.12 AS build
WORKDIR /src
COPY . .
RUN pip wheel --no-cache-dir --wheel-dir /wheels '.[hub,postgres]'

FROM python:3.12-slim
RUN useradd --system --uid 10001 --home-dir /var/lib/rulehub --create-home rulehub
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links /wheels 'gocheck-lint[hub,postgres]' && rm -rf /wheels
USER rulehub
# Artifacts and the hub's signing keys (files 0600) live here: mount a volume.
ENV RULEHUB_DATA_DIR=/var/lib/rulehub
VOLUME /var/lib/rulehub
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --retries=5 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"
# PostgreSQL must be migrated first (`rulehub db upgrade`); the server refuses an old schema.
CMD ["sh", "-c", "rulehub db upgrade && exec rulehub serve --host 0.0.0.0 --port 8000 --workers ${RULEHUB_WORKERS:-2}"]
