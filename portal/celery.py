import gc
import os

from celery import Celery
from celery.signals import worker_init, worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

app = Celery("portal")
# Every Celery option lives in Django settings under the CELERY_ prefix (see settings/base.py).
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect  # the worker's main process (the solo pool runs tasks there)
@worker_process_init.connect  # each pool process, after it is forked
def startup_objects_freeze(**_kwargs) -> None:
    """Leave what start-up made (modules, settings, the tasks) out of garbage collection.

    Those objects live as long as the process; left in, every full collection walks them all
    again, a pause of about 0.1 s that fell in the middle of syncs (bench/README.md)."""
    gc.freeze()
