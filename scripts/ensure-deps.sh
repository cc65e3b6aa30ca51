#!/usr/bin/env bash
# Installs what the node and its tests need on a fresh Debian machine, and nothing that is already there:
# - libsecp256k1-1: the native secp256k1 the node signs and verifies with;
# - nodejs and npm: the chaind build bundles the explorer page with esbuild from npm, and the example client
#   clients/typescript (and its test) runs on Node.js 18 or later; that client's npm packages (npm ci);
# - chromium: the explorer's browser test drives it headless;
# - faketime: the perturbation runs (testnet/chaos.sh, and their short run in the suite) skew validators' clocks.
# The .NET SDK is expected on PATH (global.json pins it).
set -euo pipefail

have_secp() { ldconfig -p 2>/dev/null | grep -q 'libsecp256k1\.so\.[0-9]'; }
have_faketime() { ls /usr/lib/*/faketime/libfaketime.so.1 >/dev/null 2>&1; }

if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET SDK is not on PATH; install .NET SDK 10 (see global.json)" >&2
  exit 1
fi

# The Debian packages missing here, each with the command that tells whether it is present.
missing=()
have_secp || missing+=(libsecp256k1-1)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
[ -x /usr/bin/chromium ] || missing+=(chromium)
have_faketime || missing+=(faketime)

if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}..." >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
      echo "error: ${missing[*]} missing and neither root nor sudo is available; run: apt-get install -y ${missing[*]}" >&2
      exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >/dev/null
  $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  have_secp || { echo "error: libsecp256k1 still not found after installing libsecp256k1-1" >&2; exit 1; }
  command -v npm >/dev/null 2>&1 || { echo "error: npm still not found after installing nodejs and npm" >&2; exit 1; }
  [ -x /usr/bin/chromium ] || { echo "error: /usr/bin/chromium still not found after installing chromium" >&2; exit 1; }
  have_faketime || { echo "error: libfaketime still not found after installing faketime" >&2; exit 1; }
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 18 ]; then
  echo "error: Node.js $(node --version) is too old for clients/typescript; it needs 18 or later" >&2
  exit 1
fi

client_dir="$(cd "$(dirname "$0")/.." && pwd)/clients/typescript"
# npm writes node_modules/.package-lock.json on install: older than package-lock.json means the packages changed.
if [ ! -f "$client_dir/node_modules/.package-lock.json" ] || [ "$client_dir/package-lock.json" -nt "$client_dir/node_modules/.package-lock.json" ]; then
  echo "Installing the example client's npm packages (npm ci in clients/typescript)..." >&2
  (cd "$client_dir" && npm ci --no-audit --no-fund --loglevel=error) || { echo "error: npm ci failed in $client_dir" >&2; exit 1; }
fi
