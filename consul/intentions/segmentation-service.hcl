# Who may call segmentation-service through the service mesh: the API gateway.
# Load with: consul config write consul/intentions/segmentation-service.hcl
# Callers not listed fall to the cluster's default intention policy (deny when ACLs default to deny).
Kind = "service-intentions"
Name = "segmentation-service"

Sources = [
  {
    Name        = "api-gateway"
    Action      = "allow"
    Description = "The API Gateway forwards users' segmentation requests"
  },
]
