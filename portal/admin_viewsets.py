"""Shapes of Wagtail admin viewsets the apps share."""

from wagtail.admin.viewsets.model import ModelViewSet


class ListOnlyViewSet(ModelViewSet):
    """A model viewset with only its listing (and the listing's results for search and
    filters): no add, edit, delete, history or usage screens, nor links to them. For
    records that are changed elsewhere, through the services (logs, answers given live)."""

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            **{
                "add_url_name": None,
                "edit_url_name": None,
                "delete_url_name": None,
                "history_url_name": None,
                "usage_url_name": None,
                **kwargs,
            }
        )

    def get_urlpatterns(self):
        return [
            pattern
            for pattern in super().get_urlpatterns()
            if pattern.name in ("index", "index_results")
        ]
