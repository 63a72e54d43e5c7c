"""Helpers the tests share: not test modules, so any test may import them (a test module never
imports another test module). Model factories are in tests/factories.py."""
