"""Pagination shared by every API list.

Staff lists page by number (small, filtered sets a person scrolls); lists that partners pull
use cursors over (updated_at, id), which never skip or repeat a row while data changes."""

from rest_framework.pagination import CursorPagination, PageNumberPagination


class StablePageNumberPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class StableCursorPagination(CursorPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = ("created_at", "id")
