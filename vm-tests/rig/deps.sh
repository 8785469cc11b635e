# Host packages the rig needs (sourced by run.sh). Installs only what is missing, as root, with one
# apt-get update per run at most. Nothing here touches the host kernel, /boot or /lib/modules.

VMRIG_APT_UPDATED=0
vmrig_apt_update_once() {
  [ "$VMRIG_APT_UPDATED" = 1 ] && return 0
  vmrig_log "apt-get update"
  apt-get -o DPkg::Lock::Timeout=600 update -qq >&2 || vmrig_die "apt-get update failed"
  VMRIG_APT_UPDATED=1
}

# vmrig_need_pkgs "cmd:package" ...: installs the package of every command that is not there.
vmrig_need_pkgs() {
  local pair cmd pkg missing=()
  for pair in "$@"; do
    cmd=${pair%%:*}; pkg=${pair#*:}
    if [ "${cmd#/}" != "$cmd" ]; then [ -x "$cmd" ] && continue
    else command -v "$cmd" >/dev/null 2>&1 && continue; fi
    missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" = 0 ] || vmrig_die "missing packages (${missing[*]}); run as root or install them"
  vmrig_apt_update_once
  vmrig_log "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
      --no-install-recommends "${missing[@]}" >&2 || vmrig_die "apt-get install ${missing[*]} failed"
}

vmrig_host_deps() {
  # busybox-static provides /bin/busybox, a static binary that runs as the guest's /init shell.
  vmrig_need_pkgs qemu-system-x86_64:qemu-system-x86 /bin/busybox:busybox-static cpio:cpio \
                  xz:xz-utils dpkg-deb:dpkg sha256sum:coreutils timeout:coreutils
  file -L /bin/busybox 2>/dev/null | grep -q 'statically linked' \
    || ldd /bin/busybox 2>&1 | grep -q 'not a dynamic' \
    || vmrig_die "/bin/busybox is not static (install busybox-static instead of busybox)"
}
