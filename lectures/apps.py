from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LecturesConfig(AppConfig):
    """Wagtail pages for learning: lecture series, lectures, recovery guides."""

    name = "lectures"
    verbose_name = _("Learn")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db import transaction
        from django.db.models.signals import post_delete, post_save
        from wagtail.documents import get_document_model_string
        from wagtail.images import get_image_model_string
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from lectures import demo, services
        from lectures.models import ClinicalReviewer
        from lectures.services import clinical_review
        from portal import demo as portal_demo
        from portal import navigation, privacy

        # Speakers are named, not accounts; a clinical reviewer's account keeps how they
        # are named in review stamps.
        privacy.register(
            "lectures",
            models=[ClinicalReviewer],
            export=clinical_review.export_reviewer,
            erase=clinical_review.erase_reviewer,
        )
        navigation.register(
            "learn",
            _("Learn"),
            url=services.learn_index_url,
            order=10,
            # Guides and site search belong to Learn in the header (the slugs come from
            # migration 0002).
            also_current=("/guides/", "/search/"),
        )
        portal_demo.register("lectures", demo.seed_learning_content, order=10)

        def purge_after_commit(**kwargs):
            transaction.on_commit(services.purge_published_pages)

        for signal in (page_published, page_unpublished, post_page_move):
            signal.connect(purge_after_commit, dispatch_uid=f"lectures-purge-{id(signal)}")
        post_delete.connect(
            purge_after_commit, sender="wagtailcore.Page", dispatch_uid="lectures-purge-delete"
        )
        # Who may see a page, the topics and speakers shown on pages, the site-wide
        # settings in every page's header and footer (crisis lines), and the images and
        # documents pages show (a replaced file gets new rendition and file URLs) change
        # pages too.
        for sender in (
            get_image_model_string(),
            get_document_model_string(),
            "wagtailcore.PageViewRestriction",
            "lectures.Topic",
            "lectures.Speaker",
            "portal.CrisisResources",
            "portal.OrganisationSettings",
        ):
            for signal in (post_save, post_delete):
                signal.connect(
                    purge_after_commit,
                    sender=sender,
                    dispatch_uid=f"lectures-purge-{sender}-{id(signal)}",
                )
