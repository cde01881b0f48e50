"""A Slack-compatible workspace on loopback: Web API, signed payload client, seed data.

Nothing here runs at import time; build a ``Workspace``, serve it with ``SandboxServer``
and drive the bot with ``SlackPayloadClient``.
"""
