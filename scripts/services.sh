#!/usr/bin/env bash
# Installs, starts and stops the real services the production deployment and the integration
# tests use: Redis (Celery broker) and Elasticsearch (the store), both on 127.0.0.1 only.
#
#   scripts/services.sh install   # apt redis-server + the pinned Elasticsearch zip via Maven
#   scripts/services.sh start     # start both, wait until ready
#   scripts/services.sh stop
#   scripts/services.sh status
#
# Elasticsearch is the Maven Central integ-test-zip (core modules only). It refuses to run as
# root, so it runs as the service user $ES_USER with a JDK 17 that user can read.
set -euo pipefail

ES_VERSION="${ES_VERSION:-8.19.21}"
ES_PORT="${ES_PORT:-9200}"
REDIS_PORT="${REDIS_PORT:-6379}"
SERVICES_DIR="${SERVICES_DIR:-/var/tmp/sensing-services}"
ES_USER="${ES_USER:-sensing-es}"
ES_HOME="$SERVICES_DIR/elasticsearch-$ES_VERSION"
ES_ZIP="$HOME/.m2/repository/org/elasticsearch/distribution/integ-test-zip/elasticsearch/$ES_VERSION/elasticsearch-$ES_VERSION.zip"

log() { printf '[services] %s\n' "$*" >&2; }

find_jdk17() {
  local d
  for d in /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/java-17-openjdk-* /usr/lib/jvm/temurin-17*; do
    [ -x "$d/bin/java" ] && { echo "$d"; return 0; }
  done
  return 1
}

install_redis() {
  if command -v redis-server >/dev/null; then return 0; fi
  log "installing redis-server (apt)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
}

install_java_maven() {
  if find_jdk17 >/dev/null && command -v mvn >/dev/null && command -v unzip >/dev/null; then return 0; fi
  log "installing openjdk-17, maven and unzip (apt)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jdk-headless maven unzip >/dev/null
}

install_es() {
  if [ -x "$ES_HOME/bin/elasticsearch" ]; then return 0; fi
  if [ ! -f "$ES_ZIP" ]; then
    log "fetching Elasticsearch $ES_VERSION integ-test-zip with Maven"
    mvn -q -B dependency:get -Dtransitive=false \
      -Dartifact="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip"
  fi
  mkdir -p "$SERVICES_DIR"
  log "unpacking Elasticsearch into $ES_HOME"
  rm -rf "$ES_HOME.tmp" && mkdir -p "$ES_HOME.tmp"
  unzip -q "$ES_ZIP" -d "$ES_HOME.tmp"
  mv "$ES_HOME.tmp/elasticsearch-$ES_VERSION" "$ES_HOME" && rmdir "$ES_HOME.tmp"
  id "$ES_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$ES_USER"
  chown -R "$ES_USER" "$ES_HOME"
}

cmd_install() { install_redis; install_java_maven; install_es; }

es_up() { curl -fsS "http://127.0.0.1:$ES_PORT/_cluster/health?wait_for_status=yellow&timeout=1s" >/dev/null 2>&1; }
redis_up() { redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; }

start_redis() {
  if redis_up; then log "redis already up on 127.0.0.1:$REDIS_PORT"; return 0; fi
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no \
    --daemonize yes --pidfile "$SERVICES_DIR/redis.pid" --logfile "$SERVICES_DIR/redis.log"
  for _ in $(seq 50); do redis_up && { log "redis up on 127.0.0.1:$REDIS_PORT"; return 0; }; sleep 0.2; done
  log "redis did not start; see $SERVICES_DIR/redis.log"; return 1
}

start_es() {
  if es_up; then log "elasticsearch already up on 127.0.0.1:$ES_PORT"; return 0; fi
  local jdk; jdk=$(find_jdk17) || { log "no JDK 17 found"; return 1; }
  local logs="$SERVICES_DIR/es-logs" data="$SERVICES_DIR/es-data"
  mkdir -p "$logs" "$data" && chown "$ES_USER" "$logs" "$data"
  rm -f "$SERVICES_DIR/es.pid"; touch "$SERVICES_DIR/es.pid"; chown "$ES_USER" "$SERVICES_DIR/es.pid"
  # The zip ships security (on by default, HTTPS) but not ML, geoip and the rest: settings of
  # modules it lacks are unknown there and stop start-up, so only these are passed.
  su -s /bin/bash "$ES_USER" -c "ES_JAVA_HOME='$jdk' ES_JAVA_OPTS='-Xms1g -Xmx1g' \
    '$ES_HOME/bin/elasticsearch' -d -p '$SERVICES_DIR/es.pid' \
    -E discovery.type=single-node -E network.host=127.0.0.1 -E http.port=$ES_PORT \
    -E path.data='$data' -E path.logs='$logs' \
    -E xpack.security.enabled=false -E cluster.routing.allocation.disk.threshold_enabled=false \
    -E action.destructive_requires_name=false" >"$SERVICES_DIR/es-start.log" 2>&1 \
    || { log "elasticsearch failed to start:"; cat "$SERVICES_DIR/es-start.log" >&2; return 1; }
  for _ in $(seq 120); do es_up && { log "elasticsearch $ES_VERSION up on 127.0.0.1:$ES_PORT"; return 0; }; sleep 1; done
  log "elasticsearch not healthy after 120 s; last log lines:"; tail -n 40 "$logs"/elasticsearch.log >&2 || true
  return 1
}

stop_pidfile() {
  local pidfile=$1 name=$2 pid
  [ -s "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if kill "$pid" 2>/dev/null; then
    for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    log "$name stopped"
  fi
  rm -f "$pidfile"
}

cmd_start() { mkdir -p "$SERVICES_DIR"; start_redis; start_es; }
cmd_stop() { stop_pidfile "$SERVICES_DIR/es.pid" elasticsearch; stop_pidfile "$SERVICES_DIR/redis.pid" redis; }
cmd_status() {
  if redis_up; then echo "redis: up"; else echo "redis: down"; fi
  if es_up; then echo "elasticsearch: up"; else echo "elasticsearch: down"; fi
}

case "${1:-}" in
  install) cmd_install ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) echo "usage: $0 install|start|stop|status" >&2; exit 2 ;;
esac
