#!/usr/bin/env bash
# Installs what the node and its tests need on a fresh Debian machine, and nothing that is already there:
# the native libsecp256k1 (Debian package libsecp256k1-1). The .NET SDK is expected on PATH (global.json pins it).
set -euo pipefail

have_secp() { ldconfig -p 2>/dev/null | grep -q 'libsecp256k1\.so\.[0-9]'; }

if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET SDK is not on PATH; install .NET SDK 10 (see global.json)" >&2
  exit 1
fi

if ! have_secp; then
  echo "Installing libsecp256k1 (Debian package libsecp256k1-1)..." >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
      echo "error: libsecp256k1-1 is missing and neither root nor sudo is available; run: apt-get install -y libsecp256k1-1" >&2
      exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >/dev/null
  $SUDO apt-get install -y -qq libsecp256k1-1 >/dev/null
  have_secp || { echo "error: libsecp256k1 still not found after installing libsecp256k1-1" >&2; exit 1; }
fi

# libfaketime (Debian package faketime): the perturbation runs (testnet/chaos.sh and their short run in the suite)
# start validators with a skewed wall clock through it.
if ! ls /usr/lib/*/faketime/libfaketime.so.1 >/dev/null 2>&1; then
  echo "Installing libfaketime (Debian package faketime)..." >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
      echo "error: faketime is missing and neither root nor sudo is available; run: apt-get install -y faketime" >&2
      exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >/dev/null
  $SUDO apt-get install -y -qq faketime >/dev/null
fi
