#!/usr/bin/env bash
# Perturbs one testnet node, to watch the others carry on (and the node catch up):
#   ./testnet/perturb.sh kill NODE      SIGKILL (no shutdown; what was not synced is lost)
#   ./testnet/perturb.sh pause NODE     SIGSTOP (the node stops answering, its sockets stay open)
#   ./testnet/perturb.sh resume NODE    SIGCONT
#   ./testnet/perturb.sh restart NODE   start a killed or stopped node again
# NODE is a home name such as node2.
set -euo pipefail
source "$(dirname "$0")/common.sh"
action="${1:-}"; name="${2:-}"
home="$HOMES/$name"
if [ -z "$action" ] || [ -z "$name" ] || [ ! -d "$home" ]; then
  echo "usage: $0 kill|pause|resume|restart NODE   (NODE: one of $(ls "$HOMES" 2>/dev/null | tr '\n' ' '))" >&2
  exit 2
fi
pid=$(cat "$home/node.pid" 2>/dev/null || echo "")
case "$action" in
  kill) [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null && echo "killed $name (pid $pid)" || echo "$name is not running" ;;
  pause) kill -STOP "$pid" && echo "paused $name (pid $pid)" ;;
  resume) kill -CONT "$pid" && echo "resumed $name (pid $pid)" ;;
  restart)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then echo "$name is running (pid $pid)"; exit 0; fi
    start_node "$home"
    echo $! >"$home/node.pid"
    echo "restarted $name (pid $!)" ;;
  *) echo "unknown action '$action'" >&2; exit 2 ;;
esac
