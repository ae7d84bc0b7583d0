# Allow segmentation-service to call runner-service through the service mesh.
# Load with: consul config write consul/intentions/runner-service.hcl
# This entry names only segsvc; if runner-service's owners keep their own service-intentions entry,
# merge this source into it instead (a destination has exactly one such entry).
Kind = "service-intentions"
Name = "runner-service"

Sources = [
  {
    Name        = "segmentation-service"
    Action      = "allow"
    Description = "segsvc dispatches ALT documents to the runner (POST /api/v1/process)"
  },
]
