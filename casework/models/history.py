"""Row history by database triggers (django-pghistory): inserts, updates (bulk ones too) and
deletes of the tracked models are copied to `<Model>History` tables with the request's user
and URL (pghistory's middleware) or the Celery task's context."""

import pghistory


def tracked(model_name: str):  # type: ignore[no-untyped-def]
    return pghistory.track(
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
        model_name=model_name,
        obj_field=pghistory.ObjForeignKey(related_name="history", db_constraint=False),
    )
