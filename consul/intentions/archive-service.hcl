# Allow segmentation-service to call archive-service through the service mesh.
# Load with: consul config write consul/intentions/archive-service.hcl
# This entry names only segsvc; if archive-service's owners keep their own service-intentions entry,
# merge this source into it instead (a destination has exactly one such entry).
Kind = "service-intentions"
Name = "archive-service"

Sources = [
  {
    Name        = "segmentation-service"
    Action      = "allow"
    Description = "segsvc's HTTP fallback for segmentation records (POST /api/v1/records)"
  },
]
