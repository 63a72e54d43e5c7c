def only_platform_api(endpoints):
    """Keep the OpenAPI schema to /api/: Wagtail's admin API is internal and not documented."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/")]
