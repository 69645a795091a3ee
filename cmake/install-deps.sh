#!/usr/bin/env bash
# Install with apt exactly what clshuffle needs and is missing; quiet when all is present.
set -euo pipefail

pkgs=(cmake pkg-config ocl-icd-opencl-dev opencl-headers pocl-opencl-icd libclblast-dev check clinfo
  oclgrind python3-onnx libonnx-testdata)
# A bare image may lack a C toolchain; CMake needs one.
command -v cc >/dev/null 2>&1 || pkgs+=(gcc libc6-dev make)
missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "clshuffle: missing packages: ${missing[*]}" >&2
  echo "run as root: apt-get update && apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "clshuffle: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
