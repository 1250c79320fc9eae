#!/usr/bin/env bash
# Serve ShopDL from N app processes behind nginx on one port:
#
#   deploy/serve.sh [N]            (or: make serve REPLICAS=N)
#
# starts N `streamlit run app.py` processes on 127.0.0.1:$SHOPDL_REPLICA_PORT.. (one port each),
# writes an nginx config from deploy/nginx.conf.template and runs nginx in front of them on
# $SHOPDL_PROXY_HOST:$SHOPDL_PROXY_PORT, then waits. Ctrl-C (or SIGTERM) stops all of them.
#
# Sessions are sticky by cookie: Streamlit keeps a session's state in the process that opened
# it, and uploads and media are plain HTTP requests that must reach that same process. ip_hash
# would also be sticky, but it sends every viewer behind one address (a NAT, a test on
# loopback) to the same process. See the README, "Serving several processes".
set -euo pipefail
cd "$(dirname "$0")/.."

REPLICAS=${1:-${REPLICAS:-2}}
PROXY_HOST=${SHOPDL_PROXY_HOST:-127.0.0.1}
PROXY_PORT=${SHOPDL_PROXY_PORT:-8080}
FIRST_PORT=${SHOPDL_REPLICA_PORT:-8601}
PYTHON=${PYTHON:-.venv/bin/python}
RUN_DIR=${SHOPDL_RUN_DIR:-$(mktemp -d -t shopdl-serve.XXXXXX)}
STARTUP_TIMEOUT_S=${SHOPDL_STARTUP_TIMEOUT_S:-120}
# Streamlit's own limit (server.maxUploadSize, MB) plus room for the multipart envelope.
UPLOAD_MB=$(sed -n 's/^maxUploadSize *= *\([0-9]*\).*/\1/p' .streamlit/config.toml)
MAX_BODY_MB=$(( ${UPLOAD_MB:-200} + 1 ))

if ! [[ $REPLICAS =~ ^[1-9][0-9]*$ ]]; then
    echo "serve: the number of replicas must be a whole number of at least 1, not '$REPLICAS'" >&2
    exit 2
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
if [ ! -x "$NGINX" ]; then
    echo "serve: nginx is not installed (Debian: apt-get install nginx)" >&2
    exit 2
fi
[ -x "$PYTHON" ] || PYTHON=python3

pids=()
stop_all() {
    trap - EXIT INT TERM
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap stop_all EXIT
trap 'exit 0' INT TERM

wait_healthy() {  # URL NAME
    local deadline=$(( $(date +%s) + STARTUP_TIMEOUT_S ))
    until [ "$("$PYTHON" - "$1" <<'EOF'
import sys, urllib.request
try:
    print(urllib.request.urlopen(sys.argv[1] + "/_stcore/health", timeout=2).read().decode())
except OSError:
    print("down")
EOF
)" = ok ]; do
        if [ "$(date +%s)" -ge "$deadline" ]; then
            echo "serve: $2 did not become healthy within $STARTUP_TIMEOUT_S s; logs in $RUN_DIR" >&2
            exit 1
        fi
        sleep 0.5
    done
}

start_replica() {  # I: start app process I on its port, its pid in replica_pids[I]
    local port=$(( FIRST_PORT + $1 - 1 ))
    "$PYTHON" -m streamlit run app.py \
        --server.address 127.0.0.1 --server.port "$port" --server.headless true \
        --server.fileWatcherType none --server.enableXsrfProtection true \
        --browser.gatherUsageStats false \
        >>"$RUN_DIR/replica-$1.log" 2>&1 &
    replica_pids[$1]=$!
    pids+=($!)
}

declare -A replica_pids
servers="" cookies="" names="" upstreams=""
for (( i = 1; i <= REPLICAS; i++ )); do
    port=$(( FIRST_PORT + i - 1 ))
    start_replica "$i"
    servers+="        server 127.0.0.1:$port;"$'\n'
    cookies+="        r$i shopdl_r$i;"$'\n'
    names+="        ~127\\.0\\.0\\.1:$port\$ r$i;"$'\n'
    upstreams+="    upstream shopdl_r$i {"$'\n'"        server 127.0.0.1:$port;"$'\n'
    for (( j = 1; j <= REPLICAS; j++ )); do
        [ "$j" = "$i" ] || upstreams+="        server 127.0.0.1:$(( FIRST_PORT + j - 1 )) backup;"$'\n'
    done
    upstreams+="    }"$'\n'
done
for (( i = 1; i <= REPLICAS; i++ )); do
    wait_healthy "http://127.0.0.1:$(( FIRST_PORT + i - 1 ))" "replica $i"
done

mkdir -p "$RUN_DIR/nginx"
"$PYTHON" - deploy/nginx.conf.template "$RUN_DIR/nginx.conf" <<EOF
import sys
text = open(sys.argv[1]).read()
for name, value in {"RUN_DIR": "$RUN_DIR/nginx", "USER": "$(id -un)", "LISTEN": "$PROXY_HOST:$PROXY_PORT",
                    "MAX_BODY_MB": "$MAX_BODY_MB", "SERVERS": """$servers""".rstrip(),
                    "REPLICA_BY_COOKIE": """$cookies""".rstrip(), "NAME_BY_ADDRESS": """$names""".rstrip(),
                    "REPLICA_UPSTREAMS": """$upstreams""".rstrip()}.items():
    text = text.replace("{{" + name + "}}", value)
open(sys.argv[2], "w").write(text)
EOF
"$NGINX" -t -q -p "$RUN_DIR/nginx" -c "$RUN_DIR/nginx.conf"
"$NGINX" -p "$RUN_DIR/nginx" -c "$RUN_DIR/nginx.conf" &
pids+=($!)
wait_healthy "http://$PROXY_HOST:$PROXY_PORT" "nginx"

echo "serve: http://$PROXY_HOST:$PROXY_PORT -> $REPLICAS app process(es) on 127.0.0.1:$FIRST_PORT..$(( FIRST_PORT + REPLICAS - 1 )) (pids ${pids[*]}); logs in $RUN_DIR"
# Keep serving: an app process that exits is started again (its sessions move to the others
# through the backup servers meanwhile); if nginx exits, stop everything.
nginx_pid=${pids[-1]}
while kill -0 "$nginx_pid" 2>/dev/null; do
    for (( i = 1; i <= REPLICAS; i++ )); do
        if ! kill -0 "${replica_pids[$i]}" 2>/dev/null; then
            echo "serve: replica $i exited; starting it again (log: $RUN_DIR/replica-$i.log)" >&2
            start_replica "$i"
        fi
    done
    sleep 1
done
echo "serve: nginx exited; stopping the app processes (logs in $RUN_DIR)" >&2
exit 1
