#!/usr/bin/env bash
# Installs the Debian packages kis-engine builds and tests with. Run as root
# (or with sudo available). Safe to run again: apt skips what is installed.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  liblua5.4-dev lua5.4
  libcjson-dev libssl-dev libcurl4-openssl-dev
  libwebsockets-dev libwebsockets-evlib-uv libuv1-dev
  libsqlite3-dev libcmocka-dev openssl
  curl python3 clang libclang-rt-14-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then SUDO=sudo; else
    echo "install-deps: need root to install: ${missing[*]}" >&2
    exit 1
  fi
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
if ! $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
  echo "install-deps: apt-get could not install: ${missing[*]}" >&2
  echo "install-deps: check the package names for your Debian release (bookworm is tested)" >&2
  exit 1
fi
