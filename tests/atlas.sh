# Start and stop the Atlas test server from a shell test, in one line each:
#   . "$top/tests/atlas.sh"; atlas_start [atlas_server.py options]
#   ... "$ATLAS_URL" (http or https), "$ATLAS_DIR"/state.json, log.ndjson ...
#   atlas_stop
# The server listens on 127.0.0.1 on a free port; atlas_start waits for it.
atlas_start() {
	ATLAS_DIR=$(mktemp -d) || return 70
	python3 "${top:?set top to the top folder}/tests/atlas_server.py" --port-file "$ATLAS_DIR/port" \
		--state "$ATLAS_DIR/state.json" --log "$ATLAS_DIR/log.ndjson" "$@" \
		2>"$ATLAS_DIR/server.err" &
	ATLAS_PID=$!
	i=0
	while [ ! -s "$ATLAS_DIR/port" ]; do
		i=$((i + 1))
		if [ $i -gt 100 ] || ! kill -0 "$ATLAS_PID" 2>/dev/null; then
			cat "$ATLAS_DIR/server.err" >&2
			echo "atlas_start: the server did not start" >&2
			return 70
		fi
		sleep 0.1
	done
	scheme=http
	case " $* " in *" --tls-cert "*) scheme=https ;; esac
	ATLAS_URL="$scheme://127.0.0.1:$(cat "$ATLAS_DIR/port")"
	export ATLAS_URL ATLAS_DIR ATLAS_PID
}

atlas_stop() {
	if [ -n "${ATLAS_PID:-}" ]; then
		kill "$ATLAS_PID" 2>/dev/null || true
		wait "$ATLAS_PID" 2>/dev/null || true
	fi
	ATLAS_PID=
	[ -n "${ATLAS_DIR:-}" ] && rm -rf "$ATLAS_DIR"
	return 0
}
