#!/usr/bin/env bash
# Runs the ws-by-hand benchmark comparison and writes docs/benchmarks.md (+ docs/benchmarks/*.svg).
#
#   benchmarks/run.sh [all|codec|load|matrix|report]
#
#   all     build, JMH codec benchmarks, load comparison, report (default)
#   codec   build, JMH codec benchmarks, report
#   load    build, load comparison (every server in its own JVM, same flags), report
#   matrix  build, ours against Netty across load shapes (issue 16), the summary cells with every
#           server, report; its knobs (MATRIX_*) are described in benchmarks/matrix.sh
#   report  rewrite docs/benchmarks.md from RUN_DIR (default: the latest run)
#
# Environment knobs (defaults in brackets):
#   SCENARIOS          load scenarios to run ["echo bulk idle broadcast"]
#   SERVERS            servers to compare ["ours netty jetty java-websocket undertow"]; ours is skipped with a
#                      message while org.wsbyhand.examples.EchoServer does not exist; add "handrolled"
#                      for org.wsbyhand.examples.HandRolledServer (ws-protocol alone, echo only)
#   RUN_DIR            where raw results go [benchmarks/target/results/<timestamp>]; reuse one to
#                      combine separate codec and load runs in one report
#   BENCH_JAVA         java to run everything with [newest JDK >= 21 under /usr/lib/jvm]
#   SERVER_FLAGS       JVM flags of every server ["-Xms512m -Xmx512m -XX:+UseParallelGC", plus on
#                      Java 23+ "--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED"
#                      so that Netty keeps its Unsafe fast paths]
#   CLIENT_FLAGS       JVM flags of the load tool ["-Xms1g -Xmx1g -XX:+UseParallelGC" + the same]
#   CLIENT_THREADS     load tool event loop threads [2]
#   JMH_ARGS           ["-f 1 -wi 2 -i 3 -w 1s -r 1s"]; JMH_FILTER [org.wsbyhand.benchmarks.codec]
#   WARMUP, LOAD_SECONDS  echo warm-up and timed window in seconds [6, 8]; the JIT needs the warm-up
#   ECHO_CONNECTIONS, ECHO_INFLIGHT, ECHO_SIZE      [100, 8, 64]
#   BULK_SECONDS       [6]
#   IDLE_CONNECTIONS   [10000]
#   BROADCAST_RECEIVERS, BROADCAST_INFLIGHT, BROADCAST_SIZE, BROADCAST_SECONDS  [100, 8, 64, 6]
#   NOTE               a sentence put at the top of the report (default: a warning when the machine
#                      was busy at the start)
#   PORT_BASE          servers listen on the ports after it, one new port per server started [9300]
#   REPORT_FILE        the report to write [docs/benchmarks.md]; its charts go to benchmarks/ beside it
#   PROFILE=1          record a JFR profile of every server (settings=profile) and write its hot
#                      methods and allocations to RUN_DIR/profile-<server>-<kind>.txt
#
# Everything runs on 127.0.0.1; every step has a time limit. Needs Linux (/proc) and a JDK (jcmd).
set -euo pipefail

MODE=${1:-all}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

SERVERS=${SERVERS:-"ours netty jetty java-websocket undertow"}
SCENARIOS=${SCENARIOS:-"echo bulk idle broadcast"}
CLIENT_THREADS=${CLIENT_THREADS:-2}
JMH_ARGS=${JMH_ARGS:-"-f 1 -wi 2 -i 3 -w 1s -r 1s"}
JMH_FILTER=${JMH_FILTER:-"org.wsbyhand.benchmarks.codec"}
WARMUP=${WARMUP:-6}
LOAD_SECONDS=${LOAD_SECONDS:-8}
ECHO_CONNECTIONS=${ECHO_CONNECTIONS:-100}
ECHO_INFLIGHT=${ECHO_INFLIGHT:-8}
ECHO_SIZE=${ECHO_SIZE:-64}
BULK_SECONDS=${BULK_SECONDS:-6}
IDLE_CONNECTIONS=${IDLE_CONNECTIONS:-10000}
BROADCAST_RECEIVERS=${BROADCAST_RECEIVERS:-100}
BROADCAST_INFLIGHT=${BROADCAST_INFLIGHT:-8}
BROADCAST_SIZE=${BROADCAST_SIZE:-64}
BROADCAST_SECONDS=${BROADCAST_SECONDS:-6}
PORT_BASE=${PORT_BASE:-9300}
REPORT_FILE=${REPORT_FILE:-"$ROOT/docs/benchmarks.md"}

log() { printf '%s [run.sh] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# The JDK the build would pick: the newest java >= 21 under /usr/lib/jvm (or JAVA_HOME), with jcmd beside it.
find_java() {
  if [[ -n "${BENCH_JAVA:-}" ]]; then
    echo "$BENCH_JAVA"
    return
  fi
  local best="" best_version=0 candidate version
  for candidate in /usr/lib/jvm/*/bin/java ${JAVA_HOME:+"$JAVA_HOME/bin/java"}; do
    [[ -x "$candidate" && -x "$(dirname "$candidate")/jcmd" ]] || continue
    version=$("$candidate" -XshowSettings:properties -version 2>&1 \
      | awk -F'= ' '/java.specification.version/ {print $2; exit}')
    version=${version%%.*}
    if [[ "$version" =~ ^[0-9]+$ ]] && (( version >= 21 && version > best_version )); then
      best=$candidate
      best_version=$version
    fi
  done
  if [[ -z "$best" ]]; then
    echo "run.sh: no JDK 21 or newer (with jcmd) under /usr/lib/jvm; set BENCH_JAVA" >&2
    exit 1
  fi
  echo "$best"
}

JAVA=$(find_java)
JAVA_MAJOR=$("$JAVA" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}')
JAVA_MAJOR=${JAVA_MAJOR%%.*}
# Netty 4.2 stops using sun.misc.Unsafe on Java 25 unless allowed (JEP 471/498), which costs it a good
# part of its speed; production Netty deployments on new JDKs allow it, so every JVM here does
# (the flag exists from Java 23; it changes nothing for the other servers).
JDK_FLAGS=""
if (( JAVA_MAJOR >= 23 )); then
  JDK_FLAGS="--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED"
fi
# java.lang opened: ws-by-hand's carrier loops need it (see ServerConfig.carrierLoops); the other servers
# ignore it. The label ours-jdk runs ws-by-hand on the JDK's scheduler instead, for comparison.
SERVER_FLAGS=${SERVER_FLAGS:-"-Xms512m -Xmx512m -XX:+UseParallelGC --add-opens java.base/java.lang=ALL-UNNAMED $JDK_FLAGS"}
CLIENT_FLAGS=${CLIENT_FLAGS:-"-Xms1g -Xmx1g -XX:+UseParallelGC $JDK_FLAGS"}
RESULTS_ROOT="$ROOT/benchmarks/target/results"
if [[ "$MODE" == report && -z "${RUN_DIR:-}" ]]; then
  RUN_DIR=$(ls -1d "$RESULTS_ROOT"/*/ 2>/dev/null | sort | tail -1)
  RUN_DIR=${RUN_DIR%/}
  [[ -n "$RUN_DIR" ]] || { echo "run.sh: no earlier run in $RESULTS_ROOT" >&2; exit 1; }
fi
RUN_DIR=${RUN_DIR:-"$RESULTS_ROOT/$(date +%Y%m%d-%H%M%S)"}

build() {
  log "building benchmarks (and the modules they use) once"
  # Offline first; online only if a dependency is missing from the local repository.
  if ! mvn -q -o -pl benchmarks -am package -DskipTests; then
    mvn -q -pl benchmarks -am package -DskipTests
  fi
}

classpath() {
  echo "$ROOT/benchmarks/target/classes:$(cat "$ROOT/benchmarks/target/classpath.txt")"
}

write_meta() {
  mkdir -p "$RUN_DIR"
  local meta="$RUN_DIR/meta.properties" load1 nproc_
  load1=$(awk '{print $1}' /proc/loadavg)
  nproc_=$(nproc)
  {
    echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
    echo "nproc=$nproc_"
    echo "memory=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
    echo "kernel=$(uname -sr)"
    echo "jvm=$("$JAVA" -version 2>&1 | sed -n 2p) ($JAVA)"
    echo "server_flags=$SERVER_FLAGS"
    echo "client_flags=$CLIENT_FLAGS"
    echo "client_threads=$CLIENT_THREADS"
    echo "jmh_args=$JMH_ARGS -jvmArgsAppend \"-Xms1g -Xmx1g $JDK_FLAGS\""
    echo "commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (with uncommitted changes)')"
    if [[ -n "${NOTE:-}" ]]; then
      echo "note=$NOTE"
    elif awk -v l="$load1" -v n="$nproc_" 'BEGIN {exit !(l > n / 2)}'; then
      echo "note=The machine was busy with other work when this run started (1-minute load average $load1 on $nproc_ cores) and probably during it; absolute numbers are pessimistic and noisy, ratios within the run are more telling. Re-run on a quiet machine for figures to quote."
    fi
  } > "$meta"
}

run_codec() {
  log "JMH codec benchmarks: $JMH_ARGS $JMH_FILTER"
  mkdir -p "$RUN_DIR"
  # shellcheck disable=SC2086
  timeout 1800 "$JAVA" -cp "$(classpath)" org.openjdk.jmh.Main $JMH_ARGS \
    -jvmArgsAppend "-Xms1g -Xmx1g $JDK_FLAGS" -rf csv -rff "$RUN_DIR/jmh.csv" "$JMH_FILTER" > "$RUN_DIR/jmh.log" 2>&1 \
    || { log "JMH failed, see $RUN_DIR/jmh.log"; tail -20 "$RUN_DIR/jmh.log" >&2; return 1; }
  grep -E '^(Benchmark|[A-Za-z0-9]+Benchmark\.)' "$RUN_DIR/jmh.log" >&2 || true
}

# ------------------------------------------------------------------------------------- load

PORT=$PORT_BASE # each server started takes the next port
SERVER_PID=""
SERVER_LABEL=""

main_class() { # $1 = server label
  case "$1" in
    ours | ours-jdk) echo org.wsbyhand.benchmarks.peers.OursServer ;; # EchoServer / BroadcastServer
    handrolled) echo org.wsbyhand.examples.HandRolledServer ;;
    netty) echo org.wsbyhand.benchmarks.peers.NettyServer ;;
    jetty) echo org.wsbyhand.benchmarks.peers.JettyServer ;;
    java-websocket) echo org.wsbyhand.benchmarks.peers.JavaWebSocketServer ;;
    undertow) echo org.wsbyhand.benchmarks.peers.UndertowServer ;;
    *) echo "run.sh: unknown server $1" >&2; exit 1 ;;
  esac
}

class_exists() { # is class $1 in one of our own modules on the class path?
  local path="${1//.//}.class" entry entries
  IFS=':' read -r -a entries <<< "$(classpath)"
  for entry in "${entries[@]}"; do
    [[ "$entry" == "$ROOT"/* ]] || continue
    if [[ -d "$entry" && -f "$entry/$path" ]]; then return 0; fi
    if [[ -f "$entry" ]] && "$(dirname "$JAVA")/jar" tf "$entry" 2>/dev/null | grep -qx "$path"; then return 0; fi
  done
  return 1
}

# Starts server $1 (a label of main_class) on port $3 with the arguments after $3, logs to
# RUN_DIR/server-$2.log and waits (30 s at most) until it listens; sets LAUNCHED_PID.
launch_server() { # $1 label, $2 name (log and profile file), $3 port, then the server's arguments
  local label=$1 name=$2 port=$3 main
  shift 3
  main=$(main_class "$label") || return 1
  local flags=$SERVER_FLAGS
  if [[ "$label" == ours-jdk ]]; then
    flags="$flags -Dbench.carrierLoops=0"
  fi
  if [[ "${PROFILE:-0}" == 1 ]]; then
    flags="$flags -XX:StartFlightRecording=filename=$RUN_DIR/$name.jfr,settings=profile,dumponexit=true"
  fi
  log "starting $name ($main $port $*)"
  # shellcheck disable=SC2086
  "$JAVA" $flags -cp "$(classpath)" "$main" "$port" "$@" > "$RUN_DIR/server-$name.log" 2>&1 &
  LAUNCHED_PID=$!
  local deadline=$((SECONDS + 30))
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    if ! kill -0 "$LAUNCHED_PID" 2>/dev/null || (( SECONDS > deadline )); then
      log "$name did not start; see $RUN_DIR/server-$name.log"
      end_process "$LAUNCHED_PID"
      return 1
    fi
    sleep 0.2
  done
}

end_process() { # $1 pid of a process this script started: TERM, up to 10 s, then KILL
  [[ -n "$1" ]] || return 0
  kill "$1" 2>/dev/null || true
  local i
  for i in $(seq 1 50); do
    kill -0 "$1" 2>/dev/null || break
    sleep 0.2
  done
  kill -9 "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

start_server() { # $1 label, $2 echo|broadcast
  local label=$1 kind=$2 args=()
  PORT=$((PORT + 1))
  [[ "$label" != handrolled && "$kind" == broadcast ]] && args+=(broadcast)
  SERVER_LABEL="$label-$kind"
  launch_server "$label" "$SERVER_LABEL" "$PORT" "${args[@]}" || return 1
  SERVER_PID=$LAUNCHED_PID
}

stop_server() {
  [[ -n "$SERVER_PID" ]] || return 0
  end_process "$SERVER_PID"
  SERVER_PID=""
  local jfr="$RUN_DIR/$SERVER_LABEL.jfr"
  if [[ "${PROFILE:-0}" == 1 && -f "$jfr" ]]; then
    local view
    for view in hot-methods allocation-by-class allocation-by-site gc-pauses; do
      echo "=== jfr view $view"
      timeout 120 "$(dirname "$JAVA")/jfr" view --width 160 "$view" "$jfr" 2>&1 || true
    done > "$RUN_DIR/profile-$SERVER_LABEL.txt"
    log "profile of $SERVER_LABEL in $RUN_DIR/profile-$SERVER_LABEL.txt"
  fi
}

cleanup() {
  stop_server
  matrix_cleanup
}
trap cleanup EXIT

load_tool() { # $1 label, then scenario options
  local label=$1
  shift
  # shellcheck disable=SC2086
  timeout 300 "$JAVA" $CLIENT_FLAGS -cp "$(classpath)" org.wsbyhand.benchmarks.load.LoadTool \
    --label "$label" --results "$RUN_DIR/load.tsv" --port "$PORT" --server-pid "$SERVER_PID" \
    --threads "$CLIENT_THREADS" "$@" > "$RUN_DIR/load-$label-$2.log" 2>&1 \
    || log "load tool failed for $label $*: see $RUN_DIR/load-$label-$2.log"
  grep -E 'msgs_per_s|server_cpu_us|mb_per_s|heap_bytes|connections_per_s|deliveries_per_s|held_back' \
    "$RUN_DIR/load-$label-$2.log" >&2 || true
}

wants() { # is scenario $1 in SCENARIOS?
  [[ " $SCENARIOS " == *" $1 "* ]]
}

record_load() { # $1 label, $2 metric
  printf '%s\tmachine\t%s\t%s\n' "$1" "$2" "$(awk '{print $1}' /proc/loadavg)" >> "$RUN_DIR/load.tsv"
}

run_load() {
  mkdir -p "$RUN_DIR"
  local label
  for label in $SERVERS; do
    if [[ "$label" == ours ]] && ! class_exists org.wsbyhand.examples.EchoServer; then
      log "skipping ours: org.wsbyhand.examples.EchoServer is not built yet (examples module)"
      continue
    fi
    record_load "$label" loadavg_start
    if wants echo || wants bulk || wants idle; then
      if start_server "$label" echo; then
        if wants echo; then
          load_tool "$label" --scenario echo --connections "$ECHO_CONNECTIONS" --inflight "$ECHO_INFLIGHT" \
            --size "$ECHO_SIZE" --warmup "$WARMUP" --seconds "$LOAD_SECONDS"
        fi
        if wants bulk; then
          load_tool "$label" --scenario bulk --warmup 2 --seconds "$BULK_SECONDS"
        fi
        if wants idle; then
          load_tool "$label" --scenario idle --connections "$IDLE_CONNECTIONS" --seconds 90 --histograms "$RUN_DIR"
        fi
        stop_server
      fi
    fi
    if ! wants broadcast; then
      :
    elif [[ "$label" == handrolled ]]; then
      : # HandRolledServer only echoes
    elif [[ "$label" == ours ]] && ! class_exists org.wsbyhand.examples.BroadcastServer; then
      log "skipping ours broadcast: org.wsbyhand.examples.BroadcastServer is not built yet"
    elif start_server "$label" broadcast; then
      load_tool "$label" --scenario broadcast --connections "$BROADCAST_RECEIVERS" \
        --inflight "$BROADCAST_INFLIGHT" --size "$BROADCAST_SIZE" --warmup 2 --seconds "$BROADCAST_SECONDS"
      stop_server
    fi
    record_load "$label" loadavg_end
  done
}

report() {
  log "writing $REPORT_FILE from $RUN_DIR"
  "$JAVA" -cp "$(classpath)" org.wsbyhand.benchmarks.report.Report "$RUN_DIR" "$REPORT_FILE"
}

# The matrix (run.sh matrix) lives in its own file; it uses the functions above.
# shellcheck source=matrix.sh
source "$ROOT/benchmarks/matrix.sh"

main() {
  case "$MODE" in
    all) build; write_meta; run_codec; run_load; report ;;
    codec) build; write_meta; run_codec; report ;;
    load) build; write_meta; run_load; report ;;
    matrix) build; matrix_meta; run_matrix; report ;;
    report) report ;;
    *) echo "usage: $0 [all|codec|load|matrix|report]" >&2; exit 2 ;;
  esac
  log "done: raw results in $RUN_DIR"
}

# One line, read whole before it runs: editing this file during a run cannot change the run.
main; exit $?
