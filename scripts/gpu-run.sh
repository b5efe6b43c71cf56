#!/usr/bin/env bash
# dnn's GPU benchmark on a bare x86-64 Linux machine (written into .gpu/ by
# `npm run gpu:bundle`; needs only bash, gzip and coreutils there).
#
#   bash run.sh [--debs DIR] [bench options: --quick, --parity-steps N, --epoch-rows N, --gemm 1024,4096, --torch none]
#
# --debs DIR: a folder of Debian .debs (libvulkan1, libegl1, libglvnd0,
# libopengl0, libgl1, libglx0, libgles2; `apt-get download` them where there
# is a network). They are unpacked into a scratch folder, `ldconfig -n` makes
# their links, and the libraries go first on LD_LIBRARY_PATH; nothing is
# installed system-wide. When no Vulkan driver manifest is found in the usual
# places but NVIDIA's library is present, VK_DRIVER_FILES points the loader at one.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
debs=""
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --debs) [ $# -ge 2 ] || { echo "run.sh: --debs needs a folder" >&2; exit 2; }; debs="$2"; shift 2 ;;
    --debs=*) debs="${1#--debs=}"; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
work="$(mktemp -d "${TMPDIR:-/tmp}/dnn-gpu.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# Node, the bundle and webgpu with its native module, unpacked into the scratch folder.
gzip -dc "$here/node.gz" > "$work/node"
chmod +x "$work/node"
mkdir -p "$work/node_modules/webgpu/dist/linux-x64"
cp "$here/gpu-bench.mjs" "$here/gpu_torch.py" "$work/"
cp "$here/node_modules/webgpu/"* "$work/node_modules/webgpu/" 2>/dev/null || true
gzip -dc "$here/dawn.node.gz" > "$work/node_modules/webgpu/dist/linux-x64/dawn.node"

if [ -n "$debs" ]; then
  [ -d "$debs" ] || { echo "run.sh: --debs $debs is not a folder" >&2; exit 2; }
  shopt -s nullglob
  files=("$debs"/*.deb)
  [ ${#files[@]} -gt 0 ] || { echo "run.sh: no .deb files in $debs" >&2; exit 2; }
  mkdir -p "$work/root"
  for f in "${files[@]}"; do
    if command -v dpkg-deb >/dev/null; then dpkg-deb -x "$f" "$work/root"
    else (cd "$work" && rm -f data.tar.* && ar x "$f" && tar -xf data.tar.* -C "$work/root"); fi
  done
  libs=""
  for d in "$work/root/usr/lib/x86_64-linux-gnu" "$work/root/lib/x86_64-linux-gnu" "$work/root/usr/lib"; do
    [ -d "$d" ] && { ldconfig -n "$d" 2>/dev/null || true; libs="$libs:$d"; }
  done
  export LD_LIBRARY_PATH="${libs#:}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  echo "run.sh: unpacked ${#files[@]} .debs from $debs; LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
fi

# NVIDIA's Vulkan driver: containers often have the library but no manifest.
if [ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ]; then
  found=""
  for d in /etc/vulkan/icd.d /usr/share/vulkan/icd.d /usr/local/share/vulkan/icd.d; do
    for f in "$d"/nvidia*.json; do [ -f "$f" ] && found="$f" && break 2; done
  done
  if [ -z "$found" ] && { ldconfig -p 2>/dev/null | grep -q libGLX_nvidia.so.0 || ls /usr/lib/x86_64-linux-gnu/libGLX_nvidia.so.0 >/dev/null 2>&1; }; then
    found="$work/nvidia_icd.json"
    printf '{"file_format_version":"1.0.0","ICD":{"library_path":"libGLX_nvidia.so.0","api_version":"1.3.0"}}\n' > "$found"
    echo "run.sh: no Vulkan manifest for NVIDIA's driver was found; wrote one for libGLX_nvidia.so.0"
  fi
  if [ -n "$found" ]; then export VK_DRIVER_FILES="$found" VK_ICD_FILENAMES="$found"; echo "run.sh: VK_DRIVER_FILES=$found"; fi
fi
if command -v nvidia-smi >/dev/null; then nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | sed 's/^/run.sh: GPU /' || true; fi

cd "$work"
"$work/node" --version | sed 's/^/run.sh: node /'
"$work/node" "$work/gpu-bench.mjs" ${args[@]+"${args[@]}"}
