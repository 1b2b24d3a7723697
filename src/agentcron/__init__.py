"""agentcron: schedule natural-language commands to AI agents, fired exactly once from the database."""

__version__ = "0.1.0"
