"""A subject access request from the command line: the same export as the case page's download
(casework.services.subject_access), as the manager who handles the request, audited as them."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder

from accounts.models import User
from casework.models import Person
from casework.services.subject_access import subject_access_export
from core.errors import ApplicationError


class Command(BaseCommand):
    help = "Write everything Pathway holds about one person (by case code) as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("case_code", help="The person's case code, e.g. VT-2026-00042")
        parser.add_argument("--user", required=True, help="Username of the manager handling the request")
        parser.add_argument("--output", help="File to write (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = User.objects.filter(username=options["user"], is_active=True).first()
        person = Person.objects.filter(case_code=options["case_code"].strip().upper()).first()
        if actor is None or person is None:
            raise CommandError("No such active user or case code.")
        try:
            document = subject_access_export(actor=actor, person=person)
        except ApplicationError as error:  # 404 outside the manager's scope, 403 not a manager or a child
            raise CommandError(error.message) from error
        text = json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as out:
                out.write(text)
            self.stdout.write(f"Written to {options['output']}.")
        else:
            self.stdout.write(text)
