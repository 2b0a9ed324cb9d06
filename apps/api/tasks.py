from celery import shared_task

from apps.api.keys import usage_flush


@shared_task(name="api.usage_flush", ignore_result=True)
def flush_usage() -> None:
    usage_flush()
