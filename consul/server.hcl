# Configuration of the single Consul server that docker-compose.yml runs in dev mode (`agent -dev`).
# Dev mode keeps everything in memory and disables ACLs; this file only adds what the compose stack
# needs on top: the UI, Connect (for the "sidecar" profile) and the gRPC port Envoy sidecars use.
# Do not use it for a real cluster.
datacenter = "dc1"
node_name  = "consul-dev"
log_level  = "INFO"

ui_config {
  enabled = true
}

connect {
  enabled = true
}

ports {
  http = 8500
  grpc = 8502
}
