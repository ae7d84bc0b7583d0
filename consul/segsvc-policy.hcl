# Least-privilege ACL policy for segsvc, the ALT_LAS Segmentation Service.
#
# Create it and a token that carries it:
#   consul acl policy create -name segsvc -description "Segmentation Service" -rules @consul/segsvc-policy.hcl
#   consul acl token create -description "segsvc" -policy-name segsvc
# and hand the token's SecretID to the service as CONSUL_HTTP_TOKEN.
#
# The project's tests load this very file into the Consul double, so a rule missing here fails there.

# Register, heartbeat (TTL check updates) and deregister its own instances.
service "segmentation-service" {
  policy = "write"
}

# discovery.mode = sidecar: the Connect sidecar registered with each instance.
service "segmentation-service-sidecar-proxy" {
  policy = "write"
}

# Peers it discovers through /v1/health/service/<name>?passing (discovery.mode = consul).
service "ai-orchestrator" {
  policy = "read"
}

service "runner-service" {
  policy = "read"
}

service "archive-service" {
  policy = "read"
}

# Live configuration: config/segmentation-service/<path> and the profile overlay
# config/segmentation-service,<profile>/<path>. Consul matches key_prefix as a plain string
# prefix, so this one rule covers both. "list" is read plus recursive listing: segsvc watches the
# prefix with ?recurse, which a cluster running acl.enable_key_list_policy refuses to a mere
# "read". It grants no write anywhere.
key_prefix "config/segmentation-service" {
  policy = "list"
}

# Health and catalog reads are filtered by node read as well as service read.
node_prefix "" {
  policy = "read"
}

# Reading the local agent's own description (/v1/agent/self) at start-up.
agent_prefix "" {
  policy = "read"
}
