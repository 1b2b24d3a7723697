"""The `llm` backend: a model (OpenAI-compatible or Anthropic) with MCP tools, on pydantic-ai.

agent.py     the backend: limits, the run, the result
models.py    the model and its SDK client on agentcron's HTTP client; cost
toolsets.py  MCP servers (stdio, streamable HTTP) and `notify_user`
recorder.py  steps, tokens and cost, reported as they happen
errors.py    what pydantic-ai raises, as an AgentError that says whether to retry
"""

from agentcron.agents.llm.agent import LLMAgent

__all__ = ["LLMAgent"]
