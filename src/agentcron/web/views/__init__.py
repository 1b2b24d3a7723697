"""The web UI's routes, one module per area; `agentcron.web.install` mounts them."""
