from celery import shared_task

from coverage.forecast.selectors import region_trends_warm


@shared_task(name="coverage.region_trends_warm")
def region_trends_warm_task() -> int:
    """Nightly: every region's monthly trend computed before its first view of the day."""
    return region_trends_warm()
