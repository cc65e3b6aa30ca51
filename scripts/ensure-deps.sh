#!/usr/bin/env bash
# Installs what the node and its tests need on a fresh Debian machine, and nothing that is already there:
# the native libsecp256k1 (Debian package libsecp256k1-1), Node.js and npm (Debian packages nodejs and npm, for the
# example client clients/typescript and its test), that client's npm packages (npm ci, from its package-lock.json) and
# libfaketime (Debian package faketime, for the perturbation runs).
# The .NET SDK is expected on PATH (global.json pins it).
set -euo pipefail

have_secp() { ldconfig -p 2>/dev/null | grep -q 'libsecp256k1\.so\.[0-9]'; }

if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET SDK is not on PATH; install .NET SDK 10 (see global.json)" >&2
  exit 1
fi

# Installs Debian packages as root or through sudo; says what to run by hand when neither is available.
apt_install() {
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      echo "error: $* missing and neither root nor sudo is available; run: apt-get install -y $*" >&2
      exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >/dev/null
  $sudo apt-get install -y -qq "$@" >/dev/null
}

if ! have_secp; then
  echo "Installing libsecp256k1 (Debian package libsecp256k1-1)..." >&2
  apt_install libsecp256k1-1
  have_secp || { echo "error: libsecp256k1 still not found after installing libsecp256k1-1" >&2; exit 1; }
fi

# libfaketime (Debian package faketime): the perturbation runs (testnet/chaos.sh and their short run in the suite)
# start validators with a skewed wall clock through it.
if ! ls /usr/lib/*/faketime/libfaketime.so.1 >/dev/null 2>&1; then
  echo "Installing libfaketime (Debian package faketime)..." >&2
  apt_install faketime
fi

missing_node=()
command -v node >/dev/null 2>&1 || missing_node+=(nodejs)
command -v npm >/dev/null 2>&1 || missing_node+=(npm)
if [ "${#missing_node[@]}" -gt 0 ]; then
  echo "Installing ${missing_node[*]} (for the example client in clients/typescript)..." >&2
  apt_install "${missing_node[@]}"
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 18 ]; then
  echo "error: Node.js $(node --version) is too old for clients/typescript; it needs 18 or later" >&2
  exit 1
fi

client_dir="$(cd "$(dirname "$0")/.." && pwd)/clients/typescript"
if [ ! -d "$client_dir/node_modules" ]; then
  echo "Installing the example client's npm packages (npm ci in clients/typescript)..." >&2
  (cd "$client_dir" && npm ci --no-audit --no-fund --loglevel=error) || { echo "error: npm ci failed in $client_dir" >&2; exit 1; }
fi
