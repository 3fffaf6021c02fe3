# Prometheus from Debian's package (the Compose stack's image; no registry needed beyond the
# Debian mirror). The configuration and the alert rules are mounted at /etc/qtm-prometheus.
FROM debian:bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus curl \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /prometheus && chown prometheus:prometheus /prometheus
USER prometheus
VOLUME ["/prometheus"]
EXPOSE 9090
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD curl -fsS http://127.0.0.1:9090/-/ready || exit 1
ENTRYPOINT ["/usr/bin/prometheus"]
CMD ["--config.file=/etc/qtm-prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus", \
     "--web.listen-address=0.0.0.0:9090"]
