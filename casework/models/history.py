"""Row history by database triggers (django-pghistory): inserts, updates (bulk ones too) and
deletes of the tracked models are copied to `<Model>History` tables with the request's user
and URL (pghistory's middleware) or the Celery task's context."""

import pghistory


def tracked(model_name: str, *, exclude: list[str] | None = None):  # type: ignore[no-untyped-def]
    """`exclude`: columns the database keeps by itself (a trigger's copy), whose changes are
    not history."""
    return pghistory.track(
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
        model_name=model_name,
        exclude=exclude,
        obj_field=pghistory.ObjForeignKey(related_name="history", db_constraint=False),
    )
