"""Celery tasks of shelters: the register import's check and import of a large file, and the
purge of uploads never confirmed."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="shelters.tasks.register_import_process", acks_late=True, ignore_result=True)
def register_import_process(import_id: str) -> str:
    """Check or import one uploaded register (shelters.imports.services.import_process).
    Idempotent: a redelivered task finds the step done, or reruns a rolled-back one."""
    from shelters.imports.models import RegisterImport
    from shelters.imports.services import import_process

    register_import = RegisterImport.objects.select_related("uploaded_by").get(pk=import_id)
    return str(import_process(register_import=register_import).status)


@shared_task(name="shelters.tasks.register_imports_purge", acks_late=True, ignore_result=True)
def register_imports_purge() -> int:
    """Delete register uploads never confirmed within settings.REGISTER_IMPORT_PURGE_HOURS
    (shelters.imports.services.import_purge). Idempotent: what is gone is gone."""
    from shelters.imports.services import import_purge

    return import_purge()
