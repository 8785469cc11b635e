# Guest kernel + initramfs builder (sourced by run.sh after common.sh and deps.sh).
# The kernel is Debian's own: the package that linux-image-amd64 currently depends on, "-unsigned"
# flavour, fetched with apt-get download and unpacked with dpkg -x into the cache. Nothing is installed.
# A mode may take the kernel from another suite (MODE_KERNEL_SUITE, e.g. bookworm-backports, read through a
# private apt state in the cache) and may replace its VFIO modules by a rebuild (MODE_VFIO_BUILD, see
# vfio-modules.sh).
#
# Cache layout under $VMRIG_CACHE:
#   debs/<package>_<version>.deb                  downloaded packages (kept: rebuilds reuse them)
#   apt-<suite>/                                  private apt lists for MODE_KERNEL_SUITE
#   modules-<build>-<kver>-<pkgversion>-<hash>/   rebuilt VFIO modules (vfio-modules.sh)
#   guest-<flavour>-<kver>-<pkgversion>-<righash>/  vmlinux, initrd.img, kver; "ok" marks a finished build
# <flavour> is the module build (stock, noiommu, iommufd) plus the suite, if any. After a successful build
# the older guest dirs of the same flavour are pruned; other flavours (other modes) stay.

# vmrig_apt_setup [SUITE]: apt-get/apt-cache go to the host's own apt configuration (no SUITE) or to a
# private state under the cache that lists only SUITE of the Debian archive. Private lists are refreshed
# when missing or older than a day. Nothing is written to the host's apt state.
VMRIG_APT_OPTS=()
# As root, apt-get download would warn that the _apt sandbox user cannot write to the cache: download as root.
vmrig_apt_get() { apt-get -o APT::Sandbox::User=root "${VMRIG_APT_OPTS[@]}" "$@"; }
vmrig_apt_cache() { apt-cache "${VMRIG_APT_OPTS[@]}" "$@"; }
vmrig_apt_setup() {
  local suite=${1:-} a
  VMRIG_APT_OPTS=()
  [ -n "$suite" ] || return 0
  [[ "$suite" =~ ^[a-z0-9-]+$ ]] || vmrig_die "bad suite name '$suite'"
  a="$VMRIG_CACHE/apt-$suite"
  mkdir -p "$a/lists/partial" "$a/archives/partial" "$a/sources.list.d" "$a/preferences.d"
  [ -f "$a/status" ] || : > "$a/status"
  echo "deb ${VMRIG_DEBIAN_MIRROR:-http://deb.debian.org/debian} $suite main" > "$a/sources.list"
  VMRIG_APT_OPTS=(-o "Dir::State=$a" -o "Dir::State::Lists=$a/lists" -o "Dir::State::status=$a/status"
    -o "Dir::Cache=$a" -o "Dir::Cache::archives=$a/archives" -o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache="
    -o "Dir::Etc::SourceList=$a/sources.list" -o "Dir::Etc::SourceParts=$a/sources.list.d"
    -o "Dir::Etc::Preferences=$a/preferences" -o "Dir::Etc::PreferencesParts=$a/preferences.d"
    -o APT::Architecture=amd64 -o Debug::NoLocking=1)
  if [ -z "$(find "$a/lists" -maxdepth 1 -name '*_Packages*' -mmin -1440 2>/dev/null | head -n1)" ]; then
    vmrig_log "apt-get update ($suite, private state in ${a#$VMTESTS_DIR/})"
    apt-get "${VMRIG_APT_OPTS[@]}" update -qq >&2 || vmrig_die "apt-get update for $suite failed"
  fi
}

# Sets VMRIG_KPKG (package name), VMRIG_KPKG_VERSION and VMRIG_KVER. VMRIG_KERNEL_PKG=name overrides.
vmrig_resolve_kernel() {
  local dep
  if [ -n "${VMRIG_KERNEL_PKG:-}" ]; then
    VMRIG_KPKG=$VMRIG_KERNEL_PKG
  else
    dep=$(vmrig_apt_cache depends linux-image-amd64 2>/dev/null | awk '$1=="Depends:" && $2 ~ /^linux-image-[0-9]/ {print $2; exit}')
    if [ -z "$dep" ] && [ ${#VMRIG_APT_OPTS[@]} -eq 0 ]; then
      vmrig_apt_update_once
      dep=$(vmrig_apt_cache depends linux-image-amd64 2>/dev/null | awk '$1=="Depends:" && $2 ~ /^linux-image-[0-9]/ {print $2; exit}')
    fi
    [ -n "$dep" ] || vmrig_die "cannot resolve linux-image-amd64's kernel package (apt lists?)"
    VMRIG_KPKG="${dep%-unsigned}-unsigned"
  fi
  VMRIG_KPKG_VERSION=$(vmrig_apt_cache show --no-all-versions "$VMRIG_KPKG" 2>/dev/null | awk '$1=="Version:" {print $2; exit}')
  if [ -z "$VMRIG_KPKG_VERSION" ] && [ ${#VMRIG_APT_OPTS[@]} -eq 0 ]; then
    vmrig_apt_update_once
    VMRIG_KPKG_VERSION=$(vmrig_apt_cache show --no-all-versions "$VMRIG_KPKG" 2>/dev/null | awk '$1=="Version:" {print $2; exit}')
  fi
  [ -n "$VMRIG_KPKG_VERSION" ] || vmrig_die "apt knows no package $VMRIG_KPKG"
  VMRIG_KVER=${VMRIG_KPKG#linux-image-}; VMRIG_KVER=${VMRIG_KVER%-unsigned}
}

# Ensures a built guest for the mode's kernel (MODE_KERNEL_SUITE) and VFIO modules (MODE_VFIO_BUILD);
# sets VMRIG_GUEST_DIR.
vmrig_guest_image() {
  vmrig_apt_setup "${MODE_KERNEL_SUITE:-}"
  vmrig_resolve_kernel
  local flavour="${MODE_VFIO_BUILD:-stock}${MODE_KERNEL_SUITE:+-$MODE_KERNEL_SUITE}"
  local key="$flavour-$VMRIG_KVER-$VMRIG_KPKG_VERSION-$(vmrig_rig_hash)"
  key=${key//[^A-Za-z0-9._+-]/_}
  VMRIG_GUEST_DIR="$VMRIG_CACHE/guest-$key"
  # Two runs from one tree must not build (or prune) at the same time; the lock ends with this shell.
  mkdir -p "$VMRIG_CACHE"
  exec {VMRIG_LOCK_FD}>"$VMRIG_CACHE/build.lock"
  flock "$VMRIG_LOCK_FD"
  if [ -f "$VMRIG_GUEST_DIR/ok" ]; then
    exec {VMRIG_LOCK_FD}>&-
    vmrig_log "guest image cached: ${VMRIG_GUEST_DIR#$VMTESTS_DIR/}"
    return 0
  fi
  local t0; t0=$(vmrig_now)
  VMRIG_VFIO_MODULES=
  [ -z "${MODE_VFIO_BUILD:-}" ] || vmrig_vfio_modules "$MODE_VFIO_BUILD"
  vmrig_log "building guest image ($flavour) for $VMRIG_KPKG $VMRIG_KPKG_VERSION"
  vmrig_build_guest "$VMRIG_GUEST_DIR"
  touch "$VMRIG_GUEST_DIR/ok"
  # Older builds of this flavour go, and dirs from before flavours existed (guest-<kver>-...); the images
  # of other modes stay.
  local d
  for d in "$VMRIG_CACHE/guest-$flavour"-[0-9]* "$VMRIG_CACHE"/guest-[0-9]*; do
    if [ -e "$d" ] && [ "$d" != "$VMRIG_GUEST_DIR" ]; then rm -rf "$d"; fi
  done
  exec {VMRIG_LOCK_FD}>&-
  vmrig_log "guest image built in $(vmrig_since "$t0") s"
}

vmrig_build_guest() {
  local out=$1 deb work kroot mods initroot name line f
  mkdir -p "$VMRIG_CACHE/debs"
  deb="$VMRIG_CACHE/debs/${VMRIG_KPKG}_${VMRIG_KPKG_VERSION//:/%3a}_amd64.deb"
  if [ ! -s "$deb" ]; then
    vmrig_log "apt-get download $VMRIG_KPKG=$VMRIG_KPKG_VERSION"
    rm -f "$VMRIG_CACHE/debs/${VMRIG_KPKG}_"*.deb
    (cd "$VMRIG_CACHE/debs" && vmrig_apt_get download -q "$VMRIG_KPKG=$VMRIG_KPKG_VERSION" >&2) \
      || vmrig_die "apt-get download $VMRIG_KPKG failed"
    f=$(ls "$VMRIG_CACHE/debs/${VMRIG_KPKG}_"*.deb 2>/dev/null | head -n1)
    [ -n "$f" ] || vmrig_die "downloaded package not found in $VMRIG_CACHE/debs"
    [ "$f" = "$deb" ] || mv "$f" "$deb"
  fi

  rm -rf "$out" "$out.work"; mkdir -p "$out.work"
  work="$out.work"; kroot="$work/kroot"; initroot="$work/initroot"
  dpkg -x "$deb" "$kroot" || vmrig_die "dpkg -x $deb failed"
  [ -f "$kroot/boot/vmlinuz-$VMRIG_KVER" ] || vmrig_die "no /boot/vmlinuz-$VMRIG_KVER in $deb"
  mods="$kroot/lib/modules/$VMRIG_KVER"
  [ -d "$mods" ] || vmrig_die "no modules for $VMRIG_KVER in $deb"

  # PVH boot wants the uncompressed ELF; extract it once here instead of decompressing at every boot.
  "$VMRIG_DIR/extract-vmlinux.sh" "$kroot/boot/vmlinuz-$VMRIG_KVER" "$work/vmlinux" \
    || vmrig_die "cannot extract vmlinux"

  # The rebuilt VFIO modules replace the stock ones before depmod, so the closure below follows their
  # dependencies (e.g. vfio -> iommufd).
  [ -z "${VMRIG_VFIO_MODULES:-}" ] || vmrig_install_vfio_modules "$kroot"

  # Newer Debian kernels ship compressed modules; busybox modprobe/insmod may lack the decompressor.
  find "$mods" -name '*.ko.xz' -exec xz -d {} + 2>/dev/null || true
  find "$mods" -name '*.ko.zst' -exec zstd -d -q --rm {} + 2>/dev/null || true
  # The .deb carries no modules.dep: regenerate it (busybox depmod, no kmod needed on the host).
  /bin/busybox depmod -b "$kroot" "$VMRIG_KVER" || vmrig_die "depmod failed"
  [ -s "$mods/modules.dep" ] || vmrig_die "depmod wrote no modules.dep"

  # Closure of the wanted modules over modules.dep ("path: dep dep ..."). Names match with - and _ equal.
  local wanted
  wanted=$(grep -v '^[[:space:]]*\(#\|$\)' "$VMRIG_DIR/guest-modules.list" | tr - _)
  # Modules built into this kernel (6.12 has virtio_pci built in) need no file; /init copes with both.
  if [ -f "$mods/modules.builtin" ]; then
    wanted=$(printf '%s\n' $wanted | grep -vxF -f <(sed 's#.*/##; s#\.ko$##' "$mods/modules.builtin" | tr - _) || true)
  fi
  local files
  files=$(awk -v want="$wanted" '
    function norm(p,   b) { b = p; sub(/.*\//, "", b); sub(/\.ko$/, "", b); gsub(/-/, "_", b); return b }
    BEGIN { n = split(want, w, /[ \n]+/); for (i = 1; i <= n; i++) if (w[i] != "") need[w[i]] = 1 }
    { sub(/:$/, "", $1); path[norm($1)] = $1; line[norm($1)] = $0 }
    END {
      for (m in need) {
        if (!(m in path)) { print "MISSING " m; continue }
        print path[m]
        k = split(line[m], parts, /[: ]+/)
        for (i = 2; i <= k; i++) if (parts[i] != "") print parts[i]
      }
    }' "$mods/modules.dep" | sort -u)
  if printf '%s\n' "$files" | grep -q '^MISSING '; then
    vmrig_die "modules not in $VMRIG_KPKG: $(printf '%s\n' "$files" | sed -n 's/^MISSING //p' | tr '\n' ' ')"
  fi

  mkdir -p "$initroot"/{bin,sbin,proc,sys,dev,host,ctl,tmp,lib/modules/"$VMRIG_KVER"}
  cp /bin/busybox "$initroot/bin/busybox"
  for name in $(/bin/busybox --list); do
    [ "$name" = busybox ] || ln -sf busybox "$initroot/bin/$name"
  done
  for f in $files; do
    mkdir -p "$initroot/lib/modules/$VMRIG_KVER/$(dirname "$f")"
    cp "$mods/$f" "$initroot/lib/modules/$VMRIG_KVER/$f"
  done
  /bin/busybox depmod -b "$initroot" "$VMRIG_KVER" || vmrig_die "depmod (initramfs) failed"
  install -m 0755 "$VMRIG_DIR/init.sh" "$initroot/init"
  # Uncompressed cpio: the kernel would spend longer inflating it under TCG than QEMU spends loading it.
  (cd "$initroot" && find . -print | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) > "$work/initrd.img" \
    || vmrig_die "cpio failed"

  mkdir -p "$out"
  mv "$work/vmlinux" "$work/initrd.img" "$out/"
  echo "$VMRIG_KVER" > "$out/kver"
  rm -rf "$work"
}
