from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """Lists carry ``results`` and ``next`` (and ``previous`` and ``count``)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
