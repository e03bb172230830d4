# The dashboard in a container: docker build -t sales-activity . && docker run -p 8501:8501 -v shares:/app/data sales-activity
# Put it behind a reverse proxy that passes WebSockets (README, "Self-hosting"); XSRF protection stays on.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    SHARES_URL=sqlite:////app/data/shares.sqlite

# DejaVu has the Norwegian letters the PDF summary prints; nothing else comes from apt.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# A user of its own, who may write only the share store's folder.
RUN useradd --create-home --uid 10001 dashboard \
    && mkdir -p /app/data \
    && chown dashboard /app/data
USER 10001
VOLUME ["/app/data"]

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"]
CMD ["streamlit", "run", "app.py", "--server.address=0.0.0.0", "--server.port=8501", "--server.headless=true"]
