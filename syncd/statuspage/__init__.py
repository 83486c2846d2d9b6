"""The read-only status page: every mapping's health, its objects across systems, its problems.

Served by the service's listener when ``service.ui.token`` is set, and written as one static
file by ``syncd status --html FILE``. Pages read the state database only; they never call a
tracker.
"""
