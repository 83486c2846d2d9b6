"""The layer that runs a mapping: the engine, its writes, and configuration turned into
runnable mappings. The only layer that brings the core, the state and the connectors together."""
