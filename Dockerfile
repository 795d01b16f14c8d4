# filmnews: the Telegram bot in a container.
#
#   docker build -t filmnews .
#   docker run -d --name filmnews -e TELEGRAM_BOT_TOKEN=... -e FILMNEWS_ADMIN_IDS=... \
#       -v filmnews-data:/data filmnews
#
# The database (and its update journal, filmnews.db.updates) lives in the /data volume.
# `docker stop` sends SIGTERM: the bot stops polling, gives the updates in hand 4 s to finish
# and closes the database, well within Docker's 10 s; an update cut short is handled at the next
# start. No secret is baked in: pass the token at run time (-e, --env-file or a secret).

ARG PYTHON_IMAGE=python:3.11-slim

# ---- build: a virtualenv with the dependencies, then the package --------------------------
FROM ${PYTHON_IMAGE} AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/filmnews
ENV PATH=/opt/filmnews/bin:$PATH
WORKDIR /src

# The dependencies first, in a layer of their own: rebuilt only when pyproject.toml changes.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > requirements.txt \
    && pip install -r requirements.txt

# Then the code, which changes often.
COPY README.md ./
COPY bot ./bot
COPY storage ./storage
RUN pip install --no-deps . && python -m compileall -q /opt/filmnews

# ---- runtime: the virtualenv, the seeds, a non-root user ----------------------------------
FROM ${PYTHON_IMAGE} AS runtime

LABEL org.opencontainers.image.title="filmnews" \
      org.opencontainers.image.description="A Telegram bot for Central Asian film news"

RUN groupadd --system --gid 10001 filmnews \
    && useradd --system --uid 10001 --gid filmnews --home-dir /app --shell /usr/sbin/nologin filmnews \
    && mkdir -p /data \
    && chown filmnews:filmnews /data

COPY --from=build /opt/filmnews /opt/filmnews
WORKDIR /app
COPY --chown=root:root seeds ./seeds
COPY --chown=root:root sources.toml ./sources.toml

ENV PATH=/opt/filmnews/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    FILMNEWS_DATABASE=/data/filmnews.db \
    FILMNEWS_SEEDS=/app/seeds \
    FILMNEWS_SOURCES=/app/sources.toml

VOLUME ["/data"]
USER filmnews:filmnews

# Healthy when the database opens and Telegram answers getMe (one line in `docker inspect`).
HEALTHCHECK --interval=60s --timeout=20s --start-period=30s --retries=3 \
    CMD ["filmnews", "check"]

CMD ["filmnews", "run"]
