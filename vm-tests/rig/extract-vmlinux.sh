#!/usr/bin/env bash
# Usage: extract-vmlinux.sh BZIMAGE OUT
# Writes the uncompressed ELF kernel hidden inside a bzImage to OUT, so QEMU can boot it through the
# PVH entry point (no BIOS, no decompression under TCG: about 3 s faster per boot).
# How: a bzImage is a setup stub followed by a compressed payload. We look for the magic bytes of every
# compressor the kernel supports, try to decompress from each hit and keep the first result that is an
# ELF file. Trailing bytes after the payload make some decompressors complain; the ELF check decides.
set -euo pipefail
in=$1 out=$2
[ -f "$in" ] || { echo "extract-vmlinux: no such file: $in" >&2; exit 1; }
tmp="$out.tmp.$$"
trap 'rm -f "$tmp"' EXIT

is_elf() { [ "$(head -c 4 "$1" | od -An -tx1 | tr -d ' \n')" = 7f454c46 ]; }

# name | grep -P pattern of the magic | decompress command reading stdin
try_all() {
  local name pat cmd off
  while IFS='|' read -r name pat cmd; do
    command -v "${cmd%% *}" >/dev/null 2>&1 || continue
    # -b byte offsets, -o only the match, -a treat binary as text, -U do not strip CRs.
    for off in $(LC_ALL=C grep -obUaP "$pat" "$in" 2>/dev/null | cut -d: -f1 | head -n 8); do
      tail -c +$(( off + 1 )) "$in" | $cmd > "$tmp" 2>/dev/null || true
      if [ -s "$tmp" ] && is_elf "$tmp"; then
        echo "extract-vmlinux: $name payload at offset $off" >&2
        return 0
      fi
    done
  done <<'TABLE'
xz|\xfd7zXZ\x00|xz -dc
zstd|\x28\xb5\x2f\xfd|zstd -dcq
gzip|\x1f\x8b\x08|gzip -dc
lzma|\x5d\x00\x00\x00|xz -dc --format=lzma
bzip2|BZh|bzip2 -dc
lz4|\x02\x21\x4c\x18|lz4 -dc
TABLE
  return 1
}

if is_elf "$in"; then cp "$in" "$tmp"
elif ! try_all; then echo "extract-vmlinux: no compressed ELF kernel found in $in" >&2; exit 1
fi
mv "$tmp" "$out"
trap - EXIT
