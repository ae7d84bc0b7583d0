# Allow segmentation-service to call ai-orchestrator through the service mesh.
# Load with: consul config write consul/intentions/ai-orchestrator.hcl
# This entry names only segsvc; if ai-orchestrator's owners keep their own service-intentions entry,
# merge this source into it instead (a destination has exactly one such entry).
Kind = "service-intentions"
Name = "ai-orchestrator"

Sources = [
  {
    Name        = "segmentation-service"
    Action      = "allow"
    Description = "segsvc asks the orchestrator to segment hard commands (POST /v1/chat/completions)"
  },
]
