"""The long-running service: scheduler, triggers (webhooks, Kitsu events), health and metrics.

``syncd run`` without ``--once`` lands in :func:`syncd.service.daemon.serve`.
"""
