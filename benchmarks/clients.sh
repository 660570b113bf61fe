#!/usr/bin/env bash
# Client throughput: ours, Netty's, the JDK's and Java-WebSocket's client, each in a JVM of its own,
# against one Netty echo server (a neutral peer), with the same JVM flags. Prints one line per client
# and shape; ROUNDS alternates the clients so that drift in the machine's load hits all of them.
#
#   benchmarks/clients.sh            (after `mvn -q -pl benchmarks -am package -DskipTests`, or BUILD=1)
#
# Knobs: CLIENTS ["ours netty jdk java-websocket"], ROUNDS [2], WARMUP [5], SECONDS_ [6],
#        SHAPES ["100:8:64:text 1:1:1048576:binary"] (connections:inflight:size:kind), BENCH_JAVA.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
CLIENTS=${CLIENTS:-"ours netty jdk java-websocket"}
ROUNDS=${ROUNDS:-2}
WARMUP=${WARMUP:-5}
SECONDS_=${SECONDS_:-6}
SHAPES=${SHAPES:-"100:8:64:text 1:1:1048576:binary"}
JAVA=${BENCH_JAVA:-$(ls -1d /usr/lib/jvm/*/bin/java | sort -V | tail -1)}
FLAGS="-Xms1g -Xmx1g -XX:+UseParallelGC --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED"
"$JAVA" --sun-misc-unsafe-memory-access=allow -version >/dev/null 2>&1 || FLAGS="-Xms1g -Xmx1g -XX:+UseParallelGC"
if [[ -n "${BUILD:-}" ]]; then
  mvn -q -o -pl benchmarks -am package -DskipTests
fi
CP="$ROOT/benchmarks/target/classes:$(cat "$ROOT/benchmarks/target/classpath.txt")"
PORT=${PORT:-9390}
# shellcheck disable=SC2086
"$JAVA" $FLAGS -cp "$CP" org.wsbyhand.benchmarks.peers.NettyServer "$PORT" echo > /tmp/clients-bench-server.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  (echo > /dev/tcp/127.0.0.1/"$PORT") 2>/dev/null && break
  sleep 0.1
done
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores, $("$JAVA" -version 2>&1 | sed -n 2p)"
for round in $(seq 1 "$ROUNDS"); do
  for shape in $SHAPES; do
    IFS=: read -r conns inflight size kind <<< "$shape"
    for client in $CLIENTS; do
      # shellcheck disable=SC2086
      timeout 120 "$JAVA" $FLAGS -cp "$CP" org.wsbyhand.benchmarks.load.ClientBench "$client" \
        "ws://127.0.0.1:$PORT/" "$conns" "$inflight" "$size" "$WARMUP" "$SECONDS_" "$kind" \
        | sed "s/^/round=$round /" || echo "round=$round client=$client shape=$shape FAILED"
    done
  done
done
