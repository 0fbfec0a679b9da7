# The Bulwark server as a container image, from the jar this repository builds:
#
#   ./bulwark --version                 # builds cli/target/bulwark.jar (or: mvn -pl cli -am package)
#   docker build -t bulwark:0.1.0 .
#   docker run -d --name bulwark --read-only --tmpfs /tmp -p 8080:8080 \
#     -v bulwark:/var/lib/bulwark -e BULWARK_BOOTSTRAP_TOKEN=bwk_... bulwark:0.1.0
#
# The same image runs the client commands: docker run --rm -e BULWARK_URL -e BULWARK_TOKEN
# bulwark:0.1.0 gate --service S --version V --env staging.
# It was written on a machine without a Docker engine and has not been built there; the test
# DocsExamplesTest checks the rules below (non-root user, health check, pinned base, no remote
# ADD, the entrypoint runs the jar) statically.

# A JRE is enough: the server needs no compiler. Pin a digest (eclipse-temurin:21-jre-noble@sha256:...)
# where you build, and let your update bot move it.
FROM eclipse-temurin:21-jre-noble

# A fixed, unprivileged uid and gid, so that volumes and Kubernetes securityContexts can name them.
RUN groupadd --system --gid 10001 bulwark \
 && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/bulwark --no-create-home \
      --shell /usr/sbin/nologin bulwark \
 && mkdir -p /opt/bulwark /var/lib/bulwark \
 && chown 10001:10001 /var/lib/bulwark \
 && chmod 0700 /var/lib/bulwark

# Owned by root and read-only to the server: it cannot rewrite its own code.
COPY --chown=0:0 --chmod=0444 cli/target/bulwark.jar /opt/bulwark/bulwark.jar

# Everything the server writes is under the volume (the database, the ledger's signing key, the
# OSV cache) or in /tmp (SQLite's native library, extracted at start): with --read-only, mount a
# tmpfs on /tmp. The data directory is a subdirectory of the volume because the server makes it
# mode 0700 at every start, which it can do only to a directory it owns (a Kubernetes volume's
# root belongs to root, with fsGroup as its group).
VOLUME ["/var/lib/bulwark"]
ENV BULWARK_HOST=0.0.0.0 \
    BULWARK_PORT=8080 \
    BULWARK_DATA=/var/lib/bulwark/data
EXPOSE 8080
USER 10001:10001
WORKDIR /var/lib/bulwark

# GET /healthz answers 200 without a token. The image has no curl: bash's /dev/tcp asks instead.
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${BULWARK_PORT:-8080} && printf 'GET /healthz HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]

# No class-data-sharing archive is written (the launcher's -XX:+AutoCreateSharedArchive would
# write into the read-only image); the JDK's own archive is used. -XX:-UsePerfData: no
# /tmp/hsperfdata file. ZGC, as the launcher chooses for the server (docs/benchmarks.md).
ENTRYPOINT ["java", "-XX:+UseZGC", "-XX:-UsePerfData", "-XX:MaxRAMPercentage=75", "-Djava.io.tmpdir=/tmp", "-jar", "/opt/bulwark/bulwark.jar"]
CMD ["server"]
