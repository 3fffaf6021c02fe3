#!/usr/bin/env bash
# The full multi-stage image build from source (deploy/docker/Dockerfile's default target):
# Debian 12 builds qtmd and qtm, Debian 12 slim runs them. Opt-in (label slow): it compiles
# the whole node inside the image. Fails without a reachable dockerd.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
docker info >/dev/null 2>&1 || { echo "FAIL: dockerd is not reachable" >&2; exit 1; }
"$root/deploy/docker/make-base-images.sh"
tag="qtm/qtmd:source-test-$$"
trap 'docker image rm "$tag" >/dev/null 2>&1 || true' EXIT
DOCKER_BUILDKIT=0 docker build -q -f "$root/deploy/docker/Dockerfile" -t "$tag" "$root" >/dev/null
docker run --rm "$tag" --version
[[ "$(docker image inspect -f '{{.Config.User}}' "$tag")" == "qtm" ]] ||
  { echo "FAIL: the image does not run as user qtm" >&2; exit 1; }
echo "image from source: built, runs, non-root"
