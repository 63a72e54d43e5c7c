"""PostgreSQL for the platform: Django's backend with a client-side deadline (deadline.py)."""
