"""Demo data for trying the platform: `manage.py load_demo` and the installers it runs.

Not part of the product: nothing outside demo/ and tests/ imports it. The installers (code) are
in demo/installers/, one per part; the Chinese content they install is data in demo/content/."""
