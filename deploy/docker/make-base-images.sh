#!/usr/bin/env bash
# Makes the base images the Dockerfile starts from, debian:bookworm and debian:bookworm-slim,
# locally from Debian packages: for machines that cannot pull from a registry. Anyone who can
# pull does not need this (the Dockerfile is a standard one).
#   deploy/docker/make-base-images.sh          make whichever of the two is missing
#   deploy/docker/make-base-images.sh --force  make both again
# Needs root (debootstrap), debootstrap and a running dockerd. QTM_DEBIAN_MIRROR picks the
# mirror (default http://deb.debian.org/debian).
set -euo pipefail

mirror="${QTM_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
force=0
[[ "${1:-}" == "--force" ]] && force=1

for tool in debootstrap docker; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "make-base-images: $tool not found (Debian packages debootstrap, docker.io)" >&2
    exit 1
  }
done
docker info >/dev/null 2>&1 || { echo "make-base-images: dockerd is not reachable" >&2; exit 1; }

have() { docker image inspect "$1" >/dev/null 2>&1; }
if ((force == 0)) && have debian:bookworm && have debian:bookworm-slim; then
  echo "make-base-images: debian:bookworm and debian:bookworm-slim exist"
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"
echo "make-base-images: debootstrap bookworm from $mirror (a few minutes)"
debootstrap --variant=minbase --include=ca-certificates bookworm "$rootfs" "$mirror" \
  >"$work/debootstrap.log" 2>&1 || { tail -20 "$work/debootstrap.log" >&2; exit 1; }

# What the official images do as well: no recommends, no package cache left behind.
cat >"$rootfs/etc/apt/apt.conf.d/docker-clean" <<'CONF'
APT::Install-Recommends "false";
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/*.bin || true"; };
CONF
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*

import() {
  tar --numeric-owner -C "$rootfs" -c . |
    docker import --change 'CMD ["bash"]' --change 'ENV LANG=C.UTF-8' - "$1" >/dev/null
  echo "make-base-images: made $1 ($(docker image inspect -f '{{.Size}}' "$1") bytes)"
}
import debian:bookworm

# slim: as the official one, without documentation, manual pages and translations, and
# dpkg told to leave them out of every package installed later.
cat >"$rootfs/etc/dpkg/dpkg.cfg.d/docker-slim" <<'CONF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
CONF
find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
rm -rf "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/*
import debian:bookworm-slim
