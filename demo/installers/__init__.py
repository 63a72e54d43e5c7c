"""One installer module per part, each safe to re-run; `load_demo` runs them in order."""
