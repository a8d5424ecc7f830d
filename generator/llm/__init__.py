"""The LLM engine: any OpenAI-compatible Chat Completions server writes the thread, streamed tweet by tweet.

This package is the only code that imports `openai` or its HTTP stack (httpx2, httpcore2). Its parts:

- `brief`: the chat messages asking for a thread, or for one tweet rewritten in context;
- `stream`: the `---` output protocol, read back into tweets as the reply streams in;
- `client`: the shared SDK client, one streamed request, and SDK errors translated into ours;
- `transport`: the HTTP transport that holds every network wait to the call's deadline;
- `engine`: `OpenAIEngine`, which puts them together with retries and repair.
"""

from generator.llm.brief import BUDGET_MARGIN, build_messages, build_regenerate_messages
from generator.llm.client import warm_up
from generator.llm.engine import OpenAIEngine
from generator.llm.stream import TweetStream

__all__ = ["BUDGET_MARGIN", "OpenAIEngine", "TweetStream", "build_messages", "build_regenerate_messages", "warm_up"]
