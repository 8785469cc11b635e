# Out-of-tree rebuild of the guest kernel's VFIO modules (sourced by run.sh after guest-image.sh).
# Debian builds neither CONFIG_VFIO_NOIOMMU nor CONFIG_IOMMUFD / CONFIG_VFIO_DEVICE_CDEV, so the noiommu and
# iommufd modes need modules built with those options. Everything comes from Debian packages: the kernel's
# linux-headers-<kver> (+ its -common and linux-kbuild packages) and linux-source-<series>, fetched with
# apt-get download and unpacked with dpkg -x into the cache. Nothing is installed; the host's /boot and
# /lib/modules are never touched. The host needs gcc-12 and make (installed if missing).
#
# Builds (MODE_VFIO_BUILD):
#   noiommu   drivers/vfio with CONFIG_VFIO_NOIOMMU (vfio.ko gains enable_unsafe_noiommu_mode)
#   iommufd   drivers/iommu/iommufd as a module plus drivers/vfio with CONFIG_IOMMUFD, CONFIG_VFIO_DEVICE_CDEV
#             and CONFIG_VFIO_NOIOMMU. Every vfio module is rebuilt: struct vfio_device changes layout.
# The kernel's own Makefiles decide which files make up each module; the config options the stock build
# lacks are given on the make command line (for the Makefiles) and as -D flags (for the C code).
#
# Cache: $VMRIG_CACHE/modules-<build>-<kver>-<pkgversion>-<hash of this file>/ holds the stripped .ko files
# under their module paths (kernel/drivers/vfio/vfio.ko, ...); "ok" marks a finished build. The image
# builder copies them over the stock modules before depmod. The packages stay in $VMRIG_CACHE/debs/.

# vmrig_fetch_deb PACKAGE: downloads the candidate version into $VMRIG_CACHE/debs (once) and prints the path.
# Older versions of the same package are removed. Uses the apt state chosen by vmrig_apt_setup.
vmrig_fetch_deb() {
  local pkg=$1 ver f deb
  ver=$(vmrig_apt_cache show --no-all-versions "$pkg" 2>/dev/null | awk '$1=="Version:" {print $2; exit}')
  [ -n "$ver" ] || vmrig_die "apt knows no package $pkg${MODE_KERNEL_SUITE:+ in $MODE_KERNEL_SUITE}"
  mkdir -p "$VMRIG_CACHE/debs"
  deb=$(ls "$VMRIG_CACHE/debs/${pkg}_${ver//:/%3a}_"*.deb 2>/dev/null | head -n1)
  if [ -z "$deb" ]; then
    vmrig_log "apt-get download $pkg=$ver"
    rm -f "$VMRIG_CACHE/debs/${pkg}_"*.deb
    (cd "$VMRIG_CACHE/debs" && vmrig_apt_get download -q "$pkg=$ver" >&2) || vmrig_die "apt-get download $pkg failed"
    deb=$(ls "$VMRIG_CACHE/debs/${pkg}_"*.deb 2>/dev/null | head -n1)
    [ -n "$deb" ] || vmrig_die "downloaded package $pkg not found in $VMRIG_CACHE/debs"
  fi
  printf '%s\n' "$deb"
}

# vmrig_vfio_modules BUILD: makes sure the modules of BUILD exist for the resolved kernel (VMRIG_KVER,
# VMRIG_KPKG_VERSION); sets VMRIG_VFIO_MODULES to their directory. Call with the build lock held.
vmrig_vfio_modules() {
  local build=$1 hash key out
  case "$build" in noiommu|iommufd) ;; *) vmrig_die "unknown VFIO module build '$build' (noiommu, iommufd)" ;; esac
  hash=$(sha256sum < "$VMRIG_DIR/vfio-modules.sh" | cut -c1-12)
  key="$build-$VMRIG_KVER-$VMRIG_KPKG_VERSION-$hash"; key=${key//[^A-Za-z0-9._+-]/_}
  out="$VMRIG_CACHE/modules-$key"
  VMRIG_VFIO_MODULES=$out
  if [ -f "$out/ok" ]; then
    vmrig_log "VFIO modules cached: ${out#$VMTESTS_DIR/}"
    return 0
  fi
  local t0; t0=$(vmrig_now)
  vmrig_need_pkgs make:make gcc-12:gcc-12 strip:binutils
  vmrig_log "building $build VFIO modules for $VMRIG_KVER"

  # The packages: headers of this exact kernel, the -common headers and kbuild tools it depends on, and
  # the source of the kernel series (6.1, 6.12, ...).
  local headers=linux-headers-$VMRIG_KVER common kbuild series srcpkg
  common=$(vmrig_apt_cache depends "$headers" 2>/dev/null | awk '$1 ~ /Depends:$/ && $2 ~ /^linux-headers-.*-common$/ {print $2; exit}')
  kbuild=$(vmrig_apt_cache depends "$headers" 2>/dev/null | awk '$1 ~ /Depends:$/ && $2 ~ /^linux-kbuild-/ {print $2; exit}')
  [ -n "$common" ] && [ -n "$kbuild" ] || vmrig_die "cannot resolve the dependencies of $headers"
  series=$(printf '%s' "$VMRIG_KPKG_VERSION" | sed -nE 's/^([0-9]+\.[0-9]+).*/\1/p')
  [ -n "$series" ] || vmrig_die "cannot tell the kernel series from version $VMRIG_KPKG_VERSION"
  srcpkg=linux-source-$series
  local debs=() p
  for p in "$headers" "$common" "$kbuild" "$srcpkg"; do debs+=("$(vmrig_fetch_deb "$p")") || exit 2; done

  local work="$out.work" root src hdir
  rm -rf "$out" "$work"; mkdir -p "$work"
  root="$work/root"; src="$work/src"
  for p in "${debs[@]:0:3}"; do dpkg -x "$p" "$root" || vmrig_die "dpkg -x $p failed"; done
  hdir="$root/usr/src/linux-headers-$VMRIG_KVER"
  [ -f "$hdir/Makefile" ] && [ -f "$hdir/.config" ] || vmrig_die "no kernel build tree in $headers"
  # The per-flavour Makefile includes the -common one by absolute path: point it into the cache instead.
  sed -i "s#^include /usr/src/#include $root/usr/src/#" "$hdir/Makefile"

  # Only the directories the modules are made of (the whole tree is 1.4 GB unpacked).
  local tarball
  tarball=$(dpkg-deb -c "${debs[3]}" | awk '{print $NF}' | grep -m1 '/usr/src/linux-source-.*\.tar\.[a-z]*$') \
    || vmrig_die "no source tarball in ${debs[3]}"
  local unpack
  case "$tarball" in
    *.xz) unpack="xz -dc" ;; *.zst) unpack="zstd -dcq" ;; *.gz) unpack="gzip -dc" ;; *.bz2) unpack="bzip2 -dc" ;;
    *) vmrig_die "unknown compression of $tarball" ;;
  esac
  local parts=('*/drivers/vfio/*')
  [ "$build" != iommufd ] || parts+=('*/drivers/iommu/iommufd/*' '*/drivers/iommu/*.h' '*/lib/interval_tree.c')
  mkdir -p "$src"
  dpkg-deb --fsys-tarfile "${debs[3]}" | tar -xO "$tarball" | $unpack \
    | tar -x -C "$src" --strip-components=1 --wildcards "${parts[@]}" \
    || vmrig_die "cannot unpack ${parts[*]} from $tarball (the iommufd build needs Linux 6.6 or later)"
  [ -f "$src/drivers/vfio/Makefile" ] || vmrig_die "no drivers/vfio in $tarball"

  # What the stock configuration lacks. The Makefiles read CONFIG_* as make variables, the C code as macros.
  local makevars=(CONFIG_VFIO_NOIOMMU=y) defines="-DCONFIG_VFIO_NOIOMMU=1" dirs="drivers/vfio/"
  if [ "$build" = iommufd ]; then
    grep -q VFIO_DEVICE_CDEV "$src/drivers/vfio/Makefile" || vmrig_die "Linux $series has no vfio cdev (needs 6.6 or later)"
    makevars+=(CONFIG_IOMMUFD=m CONFIG_VFIO_DEVICE_CDEV=y)
    defines="$defines -DCONFIG_IOMMUFD_MODULE=1 -DCONFIG_VFIO_DEVICE_CDEV=1"
    dirs="drivers/iommu/iommufd/ $dirs"
    # Debian's vmlinux lacks the interval tree span iterator (CONFIG_INTERVAL_TREE_SPAN_ITER, only selected
    # by IOMMUFD): compile that part of lib/interval_tree.c into iommufd.ko, without exporting it.
    if ! grep -q 'interval_tree_span_iter_first' "$hdir/Module.symvers"; then
      { echo '#include <linux/interval_tree.h>'
        echo '#include <linux/interval_tree_generic.h>'
        echo '#define CONFIG_INTERVAL_TREE_SPAN_ITER 1'
        sed -n '/^#ifdef CONFIG_INTERVAL_TREE_SPAN_ITER/,$p' "$src/lib/interval_tree.c" | grep -v '^EXPORT_SYMBOL'
      } > "$src/drivers/iommu/iommufd/vmrig_span_iter.c"
      printf 'include $(src)/Makefile\niommufd-y += vmrig_span_iter.o\n' > "$src/drivers/iommu/iommufd/Kbuild"
    fi
  fi
  # Keep drivers/vfio/pci/ but no other subdirectory (mdev, platform, vendor variants): switch their
  # CONFIG_* off on the command line so only vfio, vfio_iommu_type1, vfio-pci-core and vfio-pci are built.
  local v
  for v in $(sed -nE 's#^obj-\$\((CONFIG_[A-Z0-9_]+)\)[[:space:]]*\+=[[:space:]]*([a-z0-9_-]+)/.*#\1 \2#p' \
               "$src/drivers/vfio/Makefile" "$src/drivers/vfio/pci/Makefile" | awk '$2 != "pci" {print $1}' | sort -u); do
    makevars+=("$v=")
  done
  printf 'obj-m += %s\n' $dirs > "$src/Kbuild"

  # CONFIG_DEBUG_INFO_BTF_MODULES= : module BTF needs pahole, which the host does not have (and the guest
  # does not need). Debian's headers set CC to gcc-12 (and CROSS_COMPILE=x86_64-linux-gnu- on 6.12).
  if ! make -s -C "$hdir" M="$src" -j"$(nproc)" KCFLAGS="$defines" "${makevars[@]}" \
         CONFIG_DEBUG_INFO_BTF_MODULES= modules > "$work/make.log" 2>&1; then
    tail -n 30 "$work/make.log" >&2
    vmrig_die "building the $build VFIO modules failed (log: $work/make.log)"
  fi

  local ko rel n=0
  mkdir -p "$out"
  while IFS= read -r ko; do
    rel=${ko#$src/}
    mkdir -p "$out/kernel/$(dirname "$rel")"
    strip --strip-debug -o "$out/kernel/$rel" "$ko" || vmrig_die "strip $ko failed"
    n=$((n + 1))
  done < <(find "$src" -name '*.ko' | LC_ALL=C sort)
  [ "$n" -gt 0 ] || vmrig_die "the $build build produced no modules"
  (cd "$out" && find kernel -name '*.ko' | LC_ALL=C sort) > "$out/modules.txt"
  rm -rf "$work"
  touch "$out/ok"
  for p in "$VMRIG_CACHE"/modules-"$build"-*; do
    [ "$p" = "$out" ] || rm -rf "$p"
  done
  vmrig_log "built $n $build VFIO modules in $(vmrig_since "$t0") s: $(sed 's#.*/##' "$out/modules.txt" | paste -sd ' ')"
}

# vmrig_install_vfio_modules KROOT: replaces the stock modules of the unpacked kernel with the rebuilt ones.
vmrig_install_vfio_modules() {
  local mods="$1/lib/modules/$VMRIG_KVER" rel
  while IFS= read -r rel; do
    rm -f "$mods/$rel" "$mods/$rel.xz" "$mods/$rel.zst" "$mods/$rel.gz"
    mkdir -p "$mods/$(dirname "$rel")"
    cp "$VMRIG_VFIO_MODULES/$rel" "$mods/$rel"
  done < "$VMRIG_VFIO_MODULES/modules.txt"
}
