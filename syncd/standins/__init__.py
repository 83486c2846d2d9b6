"""Local stand-ins for SaaS review systems, used by the demo and the tests."""
