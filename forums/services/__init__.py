"""Forums domain operations (DESIGN.md: the only place that changes forum state).

A package because two features share it: ``moderation`` (logging and screening used by
both), ``qa`` (live Q&A) and ``rooms`` (peer-support rooms).
"""
