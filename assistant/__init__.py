"""The assistant: retrieval over the passage store, answers with citations, CLI and web chat."""
