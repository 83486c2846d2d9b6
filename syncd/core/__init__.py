"""The sync core: canonical model, pure planner and the engine that applies plans."""
