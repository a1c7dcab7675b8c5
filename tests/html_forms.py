"""Read the forms of a rendered page the way a browser would (stdlib only): their action,
method and fields, with the options of each select. The fuzz and probe tests post through
the test client what these forms would let a person (or an attacker) send."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Field:
    name: str
    kind: str  # the input type ("text", "date", "checkbox"...), "select" or "textarea"
    options: list[str] = field(default_factory=list)
    multiple: bool = False
    maxlength: int | None = None  # the bound a browser enforces on text (the server must too)


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, Field] = field(default_factory=dict)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self._select: Field | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "option" and self._select is not None:
            self._select.options.append(a.get("value", ""))
        elif tag == "form":
            self.forms.append(Form(action=a.get("action", ""), method=a.get("method", "get").lower()))
        elif not self.forms or not a.get("name"):
            return
        elif tag == "input" and a.get("type", "text") not in ("submit", "hidden", "button"):
            kind = a.get("type", "text")
            known = self.forms[-1].fields.get(a["name"])
            if known and kind in ("checkbox", "radio"):  # a group: each box is one more option
                known.options.append(a.get("value", "on"))
                known.multiple = kind == "checkbox"
            else:
                self.forms[-1].fields[a["name"]] = Field(
                    a["name"], kind, [a.get("value", "on")], maxlength=_int(a.get("maxlength"))
                )
        elif tag == "textarea":
            self.forms[-1].fields[a["name"]] = Field(a["name"], "textarea", maxlength=_int(a.get("maxlength")))
        elif tag == "select":
            self._select = Field(a["name"], "select", multiple="multiple" in a)
            self.forms[-1].fields[a["name"]] = self._select

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


def page_forms(html: str) -> list[Form]:
    reader = _Reader()
    reader.feed(html)
    return reader.forms


def the_form(html: str, *, action: str, page_url: str, method: str | None = None) -> Form:
    """The page's form that posts to `action` (a form without an action posts to its page), of
    `method` when given (a page can have a filter form and a form to post at the same address)."""
    for form in page_forms(html):
        if (form.action or page_url) == action and method in (None, form.method):
            return form
    raise AssertionError(f"no form posts to {action}")
