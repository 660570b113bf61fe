# shellcheck shell=bash
# `benchmarks/run.sh matrix` (issue 16): ws-by-hand ("ours") against Netty across load shapes, then
# the summary cells with every other server. Sourced by run.sh, whose functions (log, launch_server,
# end_process, classpath, write_meta) and knobs (JAVA, CLIENT_FLAGS, CLIENT_THREADS, RUN_DIR, PORT)
# it uses.
#
# A cell is one load shape, named FAMILY/SHAPE:
#   echo-t1/c100-f8-s64    echo, 1 client event-loop thread, 100 connections x 8 in flight x 64 B
#   echo-t2/c100-f8-s64    the same with 2 client threads
#   tls/c100-f8-s64        echo over wss:// (server option tls, --tls true), CLIENT_THREADS threads
#   deflate/c100-f8-s1024  echo of JSON-like text with permessage-deflate (server option deflate)
#   broadcast/r100-f8-s64  1 sender, 100 receivers, 8 x 100 deliveries outstanding, 64 B
#   idle/c10000            10,000 idle connections (above MATRIX_IDLE_PER_PROCESS: two load tools)
# Servers are started once per mode (echo, tls, deflate, broadcast; idle: once per cell, so that
# memory is measured on a fresh JVM) on ports after PORT_BASE, warmed up once, and kept running
# while every cell of that mode runs against ours and Netty back to back, in alternating order
# from one cell to the next. A cell where processes other than the server and the load tool used
# more than MATRIX_QUIET cores (the load tool's other_cpu_cores) runs once more; the quieter of
# the two attempts is kept and, if still above, marked noisy.
#
# Results: RUN_DIR/matrix.tsv, the load tool's lines with the cell as a fifth column,
#   server <TAB> scenario <TAB> metric <TAB> value <TAB> cell
# plus lines of scenario "matrix" written here: loadavg (1-minute load average when that server's
# run of the cell started), attempts (1 or 2), noisy (0 or 1), and for a cell left out because of
# its size, server "all", metric skipped_inflight_bytes. Running cells again into the same RUN_DIR
# replaces their lines. Each attempt's raw lines and logs stay in RUN_DIR/matrix/<cell>/try<N>/.
#
# Knobs (defaults in brackets):
#   MATRIX_CELLS            extended regex; only cells whose name matches run [.]
#   MATRIX_WARMUP           per-cell warm-up seconds [2]
#   MATRIX_SECONDS          per-cell timed window in seconds [5]
#   MATRIX_SERVER_WARMUP    seconds of load each server gets once, when started [6]
#   MATRIX_SERVERS          the servers compared in every cell ["ours netty"]
#   MATRIX_PEERS            servers that also run the summary cells ["ours-jdk jetty java-websocket undertow"]
#   MATRIX_SUMMARY          the summary cells ["echo-t2/c100-f8-s64 tls/c100-f8-s64
#                           deflate/c100-f8-s1024 broadcast/r100-f8-s64 idle/c10000"]
#   MATRIX_INFLIGHT_CAP     echo cells with more bytes in flight (connections x in flight x size)
#                           are skipped [67108864, 64 MiB]
#   MATRIX_QUIET            other processes' cores above which a cell runs again [0.25]
#   MATRIX_ECHO_THREADS, MATRIX_ECHO_CONNECTIONS, MATRIX_ECHO_INFLIGHT, MATRIX_ECHO_SIZES
#                           the echo grid ["1 2", "1 100 1000 10000", "1 8", "64 4096 65536"]
#   MATRIX_TLS, MATRIX_DEFLATE  shapes of those families ["c100-f8-s64 c1-f1-s64 c100-f2-s65536",
#                           "c100-f8-s1024"]
#   MATRIX_BROADCAST        receiver counts ["100 10000"]
#   MATRIX_IDLE             idle connection counts ["10000 19000"]
#   MATRIX_IDLE_PER_PROCESS most connections one load tool opens; above, idle_two_processes [10000]
#   BENCH_KEYSTORE          set here: RUN_DIR/matrix/keystore.p12, made once per run by keytool

MATRIX_CELLS=${MATRIX_CELLS:-.}
MATRIX_WARMUP=${MATRIX_WARMUP:-2}
MATRIX_SECONDS=${MATRIX_SECONDS:-5}
MATRIX_SERVER_WARMUP=${MATRIX_SERVER_WARMUP:-6}
MATRIX_SERVERS=${MATRIX_SERVERS:-"ours netty"}
MATRIX_PEERS=${MATRIX_PEERS-"ours-jdk jetty java-websocket undertow"}
MATRIX_SUMMARY=${MATRIX_SUMMARY:-"echo-t2/c100-f8-s64 tls/c100-f8-s64 deflate/c100-f8-s1024 broadcast/r100-f8-s64 idle/c10000"}
MATRIX_INFLIGHT_CAP=${MATRIX_INFLIGHT_CAP:-67108864}
MATRIX_QUIET=${MATRIX_QUIET:-0.25}
MATRIX_ECHO_THREADS=${MATRIX_ECHO_THREADS:-"1 2"}
MATRIX_ECHO_CONNECTIONS=${MATRIX_ECHO_CONNECTIONS:-"1 100 1000 10000"}
MATRIX_ECHO_INFLIGHT=${MATRIX_ECHO_INFLIGHT:-"1 8"}
MATRIX_ECHO_SIZES=${MATRIX_ECHO_SIZES:-"64 4096 65536"}
MATRIX_TLS=${MATRIX_TLS:-"c100-f8-s64 c1-f1-s64 c100-f2-s65536"}
MATRIX_DEFLATE=${MATRIX_DEFLATE:-"c100-f8-s1024"}
MATRIX_BROADCAST=${MATRIX_BROADCAST:-"100 10000"}
MATRIX_IDLE=${MATRIX_IDLE:-"10000 19000"}
MATRIX_IDLE_PER_PROCESS=${MATRIX_IDLE_PER_PROCESS:-10000}

MATRIX_TSV="$RUN_DIR/matrix.tsv"
MATRIX_DIR="$RUN_DIR/matrix"
# The servers of the current mode: parallel arrays, one entry per server.
G_MODE=""
G_LABELS=()
G_PORTS=()
G_PIDS=()
IDLE_HOLDER_PID=""

# ------------------------------------------------------------------------------------ cells

matrix_cells() { # every cell of the matrix, in run order, one per line
  local t c f s shape n
  for t in $MATRIX_ECHO_THREADS; do
    for c in $MATRIX_ECHO_CONNECTIONS; do
      for f in $MATRIX_ECHO_INFLIGHT; do
        for s in $MATRIX_ECHO_SIZES; do
          echo "echo-t$t/c$c-f$f-s$s"
        done
      done
    done
  done
  for shape in $MATRIX_TLS; do echo "tls/$shape"; done
  for shape in $MATRIX_DEFLATE; do echo "deflate/$shape"; done
  for n in $MATRIX_BROADCAST; do echo "broadcast/r$n-f8-s64"; done
  for n in $MATRIX_IDLE; do echo "idle/c$n"; done
}

cell_mode() { # $1 cell -> the server mode it needs: echo, tls, deflate, broadcast or idle
  case "${1%%/*}" in
    echo-t*) echo echo ;;
    tls | deflate | broadcast | idle) echo "${1%%/*}" ;;
    *) echo "run.sh: unknown matrix family in $1" >&2; return 1 ;;
  esac
}

# Cells of one group share the server JVMs: a mode, except idle, whose every cell gets fresh servers.
cell_group() { # $1 cell
  if [[ "$(cell_mode "$1")" == idle ]]; then echo "$1"; else cell_mode "$1"; fi
}

cell_numbers() { # $1 cell -> "connections inflight size" (inflight and size 0 for idle)
  local shape=${1#*/}
  if [[ "$shape" =~ ^[cr]([0-9]+)-f([0-9]+)-s([0-9]+)$ ]]; then
    echo "${BASH_REMATCH[1]} ${BASH_REMATCH[2]} ${BASH_REMATCH[3]}"
  elif [[ "$shape" =~ ^c([0-9]+)$ ]]; then
    echo "${BASH_REMATCH[1]} 0 0"
  else
    echo "run.sh: cannot read the shape of matrix cell $1" >&2
    return 1
  fi
}

cell_inflight_bytes() { # $1 cell -> bytes an echo cell keeps in flight (0 for the others)
  local c f s
  read -r c f s <<< "$(cell_numbers "$1")"
  case "$(cell_mode "$1")" in
    echo | tls | deflate) echo $((c * f * s)) ;;
    *) echo 0 ;;
  esac
}

mode_server_args() { # $1 mode -> the server's arguments after its port
  case "$1" in
    echo | idle) echo echo ;;
    tls) echo echo tls ;;
    deflate) echo echo deflate ;;
    broadcast) echo broadcast ;;
  esac
}

mode_client_args() { # $1 mode -> load tool options every cell of that mode needs
  case "$1" in
    tls) echo --tls true ;;
    deflate) echo --compress true ;;
  esac
}

cell_options() { # $1 cell -> the load tool's options for it
  local cell=$1 family=${1%%/*} mode c f s threads=$CLIENT_THREADS
  mode=$(cell_mode "$cell")
  read -r c f s <<< "$(cell_numbers "$cell")"
  [[ "$family" == echo-t* ]] && threads=${family#echo-t}
  case "$mode" in
    idle) echo --scenario idle --threads "$threads" --connections "$c" --seconds 120 --source-from 2 --source-to 251 ;;
    broadcast) echo --scenario broadcast --threads "$threads" --connections "$c" --inflight "$f" --size "$s" \
      --warmup "$MATRIX_WARMUP" --seconds "$MATRIX_SECONDS" --source-from 2 --source-to 251 ;;
    *) echo --scenario echo --threads "$threads" --connections "$c" --inflight "$f" --size "$s" \
      --warmup "$MATRIX_WARMUP" --seconds "$MATRIX_SECONDS" --source-from 2 --source-to 251 \
      "$(mode_client_args "$mode")" ;;
  esac
}

# ------------------------------------------------------------------------------- processes

LOAD_TOOL=() # the load tool's command line up to its options
load_tool_command() {
  # shellcheck disable=SC2206
  LOAD_TOOL=(timeout 300 "$JAVA" $CLIENT_FLAGS -cp "$(classpath)" org.wsbyhand.benchmarks.load.LoadTool)
}

matrix_load() { # $1 label, $2 port, $3 server pid, $4 results file, $5 log file, then options
  local label=$1 port=$2 pid=$3 out=$4 logfile=$5
  shift 5
  "${LOAD_TOOL[@]}" --label "$label" --results "$out" --port "$port" --server-pid "$pid" "$@" > "$logfile" 2>&1
}

group_start() { # $1 mode, then the servers' labels: starts and warms each one
  local mode=$1 label
  shift
  group_stop
  G_MODE=$mode
  for label in "$@"; do
    PORT=$((PORT + 1))
    # shellcheck disable=SC2046
    if launch_server "$label" "$label-matrix-$mode-$PORT" "$PORT" $(mode_server_args "$mode"); then
      G_LABELS+=("$label")
      G_PORTS+=("$PORT")
      G_PIDS+=("$LAUNCHED_PID")
      group_warm $((${#G_LABELS[@]} - 1))
    else
      log "matrix: no $label in the $mode cells"
    fi
  done
}

group_warm() { # $1 index: one stretch of load, so that the JIT has compiled the paths the cells use
  local i=$1 mode=$G_MODE size=64 options
  case "$mode" in
    idle) return 0 ;; # the idle scenario warms the accept path itself
    broadcast) options="--scenario broadcast --connections 100" ;;
    *)
      [[ "$mode" == deflate ]] && size=1024
      options="--scenario echo --connections 100 --inflight 8 --size $size $(mode_client_args "$mode")" ;;
  esac
  log "matrix: warming ${G_LABELS[i]} ($mode) for ${MATRIX_SERVER_WARMUP} s"
  # shellcheck disable=SC2086
  matrix_load "${G_LABELS[i]}" "${G_PORTS[i]}" "${G_PIDS[i]}" "$MATRIX_DIR/warmup.tsv" \
    "$MATRIX_DIR/warmup-${G_LABELS[i]}-$mode-${G_PORTS[i]}.log" \
    $options --threads "$CLIENT_THREADS" --warmup 0 --seconds "$MATRIX_SERVER_WARMUP" \
    || log "matrix: warm-up of ${G_LABELS[i]} failed, see $MATRIX_DIR/warmup-${G_LABELS[i]}-$mode-${G_PORTS[i]}.log"
}

group_revive() { # $1 index: starts that server again (new port, warmed) if it has died
  local i=$1 label=${G_LABELS[$1]}
  kill -0 "${G_PIDS[i]}" 2>/dev/null && return 0
  wait "${G_PIDS[i]}" 2>/dev/null || true
  log "matrix: the $label $G_MODE server has died (see its log in $RUN_DIR); starting it again"
  PORT=$((PORT + 1))
  # shellcheck disable=SC2046
  launch_server "$label" "$label-matrix-$G_MODE-$PORT" "$PORT" $(mode_server_args "$G_MODE") || return 1
  G_PORTS[i]=$PORT
  G_PIDS[i]=$LAUNCHED_PID
  group_warm "$i"
}

group_stop() {
  local pid
  for pid in "${G_PIDS[@]}"; do
    end_process "$pid"
  done
  G_MODE=""
  G_LABELS=()
  G_PORTS=()
  G_PIDS=()
}

matrix_cleanup() {
  end_process "$IDLE_HOLDER_PID"
  IDLE_HOLDER_PID=""
  group_stop
}

# ------------------------------------------------------------------- idle over two processes

# TO FINISH AFTER MERGING c16-load: --measure, --snapshot, --hold and --others are the contract's
# names for options that branch adds to the idle scenario; check them (and how process A says it
# holds all its connections) against its IdleScenario.
#
# One load tool may open at most 20,000 files, so N idle connections above MATRIX_IDLE_PER_PROCESS
# come from two: A measures the server before any connection (heap, RSS) into a snapshot file,
# opens the first half from 127.0.0.2-126 and holds them; once A reports its connections, B opens
# the second half from 127.0.0.127-251, measures after over both halves; then
# A is ended. B's lines are the cell's; A's stay beside them in <results>-A.tsv.
idle_two_processes() { # $1 label, $2 port, $3 server pid, $4 results file, $5 log file, $6 connections
  # A takes the "before" snapshot, opens its half and writes the hand-over file (server pid, the
  # snapshot, its count); B waits for that file (up to 300 s, same server pid only), opens the other
  # half from other source addresses, measures over both halves and tells A to let go.
  local label=$1 port=$2 pid=$3 out=$4 logfile=$5 total=$6
  local first=$((total / 2)) second=$((total - total / 2))
  local snapshot="${out%.tsv}.snapshot" holder_log="${logfile%.log}-A.log"
  rm -f "$snapshot"
  "${LOAD_TOOL[@]}" --label "$label" --results "${out%.tsv}-A.tsv" --port "$port" --server-pid "$pid" \
    --scenario idle --threads "$CLIENT_THREADS" --connections "$first" --seconds 120 \
    --source-from 2 --source-to 126 --measure before --snapshot "$snapshot" --hold 300 \
    > "$holder_log" 2>&1 &
  IDLE_HOLDER_PID=$!
  matrix_load "$label" "$port" "$pid" "$out" "$logfile" \
    --scenario idle --threads "$CLIENT_THREADS" --connections "$second" --seconds 120 \
    --source-from 127 --source-to 251 --measure after --snapshot "$snapshot" \
    || log "matrix: load tool B failed for $label, see $logfile (A: $holder_log)"
  local deadline=$((SECONDS + 30))
  while kill -0 "$IDLE_HOLDER_PID" 2>/dev/null && (( SECONDS < deadline )); do
    sleep 1
  done
  end_process "$IDLE_HOLDER_PID"
  IDLE_HOLDER_PID=""
}

# ------------------------------------------------------------------------------------- runs

loadavg1() { awk '{print $1}' /proc/loadavg; }

attempt_noise() { # $1 attempt dir -> the largest other_cpu_cores of the current servers' runs (0 if none)
  local label
  for label in "${G_LABELS[@]}"; do
    cat "$1/$label.tsv" 2>/dev/null || true
  done | awk -F'\t' '$3 == "other_cpu_cores" && $4 + 0 > m {m = $4 + 0} END {print m + 0}'
}

above() { # is number $1 > number $2?
  awk -v a="$1" -v b="$2" 'BEGIN {exit !(a + 0 > b + 0)}'
}

run_server_in_cell() { # $1 cell, $2 group index, $3 attempt dir
  local cell=$1 i=$2 dir=$3 label=${G_LABELS[$2]} out logfile c f s
  group_revive "$i" || return 0
  out="$dir/$label.tsv"
  logfile="$dir/$label.log"
  printf '%s\tmatrix\tloadavg\t%s\n' "$label" "$(loadavg1)" >> "$out"
  read -r c f s <<< "$(cell_numbers "$cell")"
  if [[ "$(cell_mode "$cell")" == idle ]] && (( c > MATRIX_IDLE_PER_PROCESS )); then
    idle_two_processes "$label" "${G_PORTS[i]}" "${G_PIDS[i]}" "$out" "$logfile" "$c"
  else
    # shellcheck disable=SC2046
    matrix_load "$label" "${G_PORTS[i]}" "${G_PIDS[i]}" "$out" "$logfile" $(cell_options "$cell") \
      || log "matrix: load tool failed for $label in $cell, see $logfile"
  fi
  awk -F'\t' -v l="$label" '$3 ~ /^(msgs_per_s|deliveries_per_s|server_cpu_us_per_(msg|delivery)|heap_bytes_per_conn|rss_bytes_per_conn|other_cpu_cores|held_back|mismatches|compressed)$/ {
      printf "%s%s %s", (n++ ? ", " : "    " l ": "), $3, $4 } END {if (n) print ""}' "$out" >&2
}

accept_cell() { # $1 cell, $2 attempt dir, $3 attempts made, $4 noisy (0/1): the current servers' lines
  local cell=$1 dir=$2 label file
  for label in "${G_LABELS[@]}"; do
    file="$dir/$label.tsv"
    [[ -f "$file" ]] || continue
    awk -F'\t' -v c="$cell" -v l="$label" '!($5 == c && $1 == l)' "$MATRIX_TSV" > "$MATRIX_TSV.tmp"
    mv "$MATRIX_TSV.tmp" "$MATRIX_TSV"
    {
      awk -v c="$cell" 'NF == 4 {print $0 "\t" c}' "$file"
      printf '%s\tmatrix\tattempts\t%s\t%s\n' "$label" "$3" "$cell"
      printf '%s\tmatrix\tnoisy\t%s\t%s\n' "$label" "$4" "$cell"
    } >> "$MATRIX_TSV"
  done
}

run_cell() { # $1 cell, $2 its position (even: servers in group order, odd: reversed)
  local cell=$1 position=$2 base attempt dir noise best=1 best_noise="" n=${#G_LABELS[@]} k i
  base="$MATRIX_DIR/${cell//\//_}"
  for ((k = 0; k < n; k++)); do # what an earlier run of this cell left of these servers
    rm -f "$base"/try*/"${G_LABELS[k]}".* "$base"/try*/"${G_LABELS[k]}"-A.*
  done
  for attempt in 1 2; do
    dir="$base/try$attempt"
    mkdir -p "$dir"
    log "matrix: $cell (attempt $attempt)"
    for ((k = 0; k < n; k++)); do
      i=$k
      (( position % 2 == 1 )) && i=$((n - 1 - k))
      run_server_in_cell "$cell" "$i" "$dir"
    done
    noise=$(attempt_noise "$dir")
    if [[ -z "$best_noise" ]] || above "$best_noise" "$noise"; then
      best=$attempt
      best_noise=$noise
    fi
    above "$noise" "$MATRIX_QUIET" || break
    log "matrix: other processes used $noise cores during $cell (more than $MATRIX_QUIET)"
  done
  local noisy=0
  above "$best_noise" "$MATRIX_QUIET" && noisy=1
  accept_cell "$cell" "$base/try$best" "$attempt" "$noisy"
}

record_skipped() { # $1 cell, $2 bytes in flight
  awk -F'\t' -v c="$1" '!($5 == c && $1 == "all")' "$MATRIX_TSV" > "$MATRIX_TSV.tmp"
  mv "$MATRIX_TSV.tmp" "$MATRIX_TSV"
  printf 'all\tmatrix\tskipped_inflight_bytes\t%s\t%s\n' "$2" "$1" >> "$MATRIX_TSV"
}

matrix_keystore() { # the TLS cells' key: one self-signed RSA key for 127.0.0.1 per run
  export BENCH_KEYSTORE="$MATRIX_DIR/keystore.p12"
  [[ -s "$BENCH_KEYSTORE" ]] && return 0
  timeout 60 "$(dirname "$JAVA")/keytool" -genkeypair -alias bench -keyalg RSA -keysize 2048 -validity 30 \
    -dname CN=127.0.0.1 -ext SAN=ip:127.0.0.1 -storetype PKCS12 -keystore "$BENCH_KEYSTORE" \
    -storepass benchmarks -keypass benchmarks > "$MATRIX_DIR/keytool.log" 2>&1 \
    || { log "keytool failed, see $MATRIX_DIR/keytool.log"; return 1; }
}

matrix_meta() { # the run's meta (kept when cells are added to an earlier run) and the matrix knobs
  mkdir -p "$RUN_DIR"
  [[ -f "$RUN_DIR/meta.properties" ]] || write_meta
  grep -q '^matrix_seconds=' "$RUN_DIR/meta.properties" && return 0
  {
    echo "matrix_warmup=$MATRIX_WARMUP"
    echo "matrix_seconds=$MATRIX_SECONDS"
    echo "matrix_server_warmup=$MATRIX_SERVER_WARMUP"
    echo "matrix_inflight_cap=$MATRIX_INFLIGHT_CAP"
    echo "matrix_quiet=$MATRIX_QUIET"
    echo "matrix_client_threads=$CLIENT_THREADS"
  } >> "$RUN_DIR/meta.properties"
}

run_matrix() {
  mkdir -p "$MATRIX_DIR"
  touch "$MATRIX_TSV"
  load_tool_command
  matrix_keystore
  local cell cells=() skipped bytes group="" position=0 count started=$SECONDS
  while read -r cell; do
    [[ -n "$cell" ]] || continue
    bytes=$(cell_inflight_bytes "$cell")
    if (( bytes > MATRIX_INFLIGHT_CAP )); then
      record_skipped "$cell" "$bytes"
      skipped+=" $cell"
    else
      cells+=("$cell")
    fi
  done < <(matrix_cells | grep -E -- "$MATRIX_CELLS" || true)
  [[ -n "${skipped:-}" ]] && log "matrix: skipped (more than $MATRIX_INFLIGHT_CAP bytes in flight):$skipped"
  count=${#cells[@]}
  log "matrix: $count cells with $MATRIX_SERVERS"
  for cell in "${cells[@]}"; do
    if [[ "$(cell_group "$cell")" != "$group" ]]; then
      group=$(cell_group "$cell")
      # shellcheck disable=SC2086
      group_start "$(cell_mode "$cell")" $MATRIX_SERVERS
    fi
    position=$((position + 1))
    log "matrix: cell $position/$count, $((SECONDS - started)) s so far"
    run_cell "$cell" "$position"
    [[ "$(cell_mode "$cell")" == idle ]] && group_stop # idle servers are not reused
  done
  group_stop
  local peer
  for peer in $MATRIX_PEERS; do
    for cell in $MATRIX_SUMMARY; do
      [[ "$cell" =~ $MATRIX_CELLS ]] || continue
      group_start "$(cell_mode "$cell")" "$peer"
      run_cell "$cell" 0
      group_stop
    done
  done
  log "matrix: done in $((SECONDS - started)) s; results in $MATRIX_TSV"
}
