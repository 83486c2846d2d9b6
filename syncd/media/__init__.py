"""Media for review sync: hashed once while it streams, cached by content, checked before upload.

This package depends on nothing of syncd but ``syncd.errors`` and the model's ``LocalMedia``,
so connectors can use it without import cycles.
"""
