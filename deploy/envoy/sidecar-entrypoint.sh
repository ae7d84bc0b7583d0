#!/bin/sh
# Run the Envoy sidecar of one segsvc instance (compose profile "sidecar").
#
# The instance registers itself with Connect.SidecarService when SEGSVC_DISCOVERY__MODE=sidecar, so the
# sidecar registration appears only once it has started. Wait for it (a bootstrap dry run succeeds),
# then exec Envoy through `consul connect envoy`, which fetches the bootstrap configuration from the
# agent and streams xDS over its gRPC port. Extra arguments go to Envoy.
set -eu

: "${SIDECAR_FOR:?set SIDECAR_FOR to the Consul service ID of the segsvc instance}"
: "${CONSUL_HTTP_ADDR:=http://consul:8500}"
: "${CONSUL_GRPC_ADDR:=consul:8502}"
: "${SIDECAR_WAIT_SECONDS:=120}"
export CONSUL_HTTP_ADDR CONSUL_GRPC_ADDR

waited=0
until consul connect envoy -sidecar-for "$SIDECAR_FOR" -bootstrap > /dev/null 2>&1; do
  if [ "$waited" -ge "$SIDECAR_WAIT_SECONDS" ]; then
    echo "sidecar: no sidecar registration for service ID $SIDECAR_FOR after ${waited}s" >&2
    exit 1
  fi
  sleep 2
  waited=$((waited + 2))
done

echo "sidecar: starting Envoy for $SIDECAR_FOR"
exec consul connect envoy -sidecar-for "$SIDECAR_FOR" -admin-bind 127.0.0.1:19000 -- "$@"
