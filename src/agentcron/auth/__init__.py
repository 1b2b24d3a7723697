"""Who is calling: API tokens and identity-provider JWTs (here), browser sessions (the web
layer's `sessions`). Beneath `api/` and `web/`, which both use it; above `service`."""

from agentcron.auth.bearer import BearerAuth, CurrentUser, bearer_auth, challenge, current_user

__all__ = ["BearerAuth", "CurrentUser", "bearer_auth", "challenge", "current_user"]
