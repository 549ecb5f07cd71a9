"""Family-side pages: thin HTTP around ``events.services``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from events import calendars, notifications, services
from events.forms import KindFilterForm, PartySizeForm, SignupForm
from events.models import (
    ACTIVE,
    SEAT_HOLDING,
    CalendarFeed,
    Event,
    EventSeries,
    EventStatus,
    Registration,
    RegistrationStatus,
    SeriesMode,
)


def availability_label(event):
    """The only occupancy a family sees: seats left, few seats, or waitlist open."""
    left = max(event.capacity_people - (event.people_taken or 0), 0)
    families_full = (
        event.capacity_families is not None and event.families_taken >= event.capacity_families
    )
    if left == 0 or families_full:
        return "waitlist", 0
    if left <= services.FEW_SEATS:
        return "few", left
    return "seats", left


def upcoming_events(kind=None, limit=100):
    events = Event.objects.filter(status=EventStatus.SCHEDULED, starts_at__gt=timezone.now())
    if kind:
        events = events.filter(kind=kind)
    events = events.select_related("series").annotate(
        people_taken=Sum(
            "registrations__party_size", filter=Q(registrations__status__in=SEAT_HOLDING)
        ),
        families_taken=Count("registrations", filter=Q(registrations__status__in=SEAT_HOLDING)),
    )
    result = list(events.order_by("starts_at", "pk")[:limit])
    for event in result:
        event.availability, event.seats_left = availability_label(event)
    return result


@require_GET
def index(request):
    form = KindFilterForm(request.GET or None)
    kind = form.cleaned_data["kind"] if form.is_valid() else None
    return render(request, "events/index.html", {"form": form, "events": upcoming_events(kind)})


def _event_for_page(pk):
    return get_object_or_404(
        Event.objects.select_related("series", "lecture").annotate(
            people_taken=Sum(
                "registrations__party_size", filter=Q(registrations__status__in=SEAT_HOLDING)
            ),
            families_taken=Count("registrations", filter=Q(registrations__status__in=SEAT_HOLDING)),
        ),
        pk=pk,
    )


def _render_detail(request, event, form=None, status=200):
    registration = None
    if request.user.is_authenticated:
        registration = (
            Registration.objects.filter(event=event, user=request.user, status__in=ACTIVE)
            .order_by("-pk")
            .first()
        )
    if form is None and request.user.is_authenticated:
        form = SignupForm(max_party_size=event.max_party_size)
    event.availability, event.seats_left = availability_label(event)
    return render(
        request,
        "events/detail.html",
        {
            "event": event,
            "form": form,
            "registration": registration,
            "window_open": event.registration_window_open(),
            "series_mode": event.series.mode if event.series_id else None,
            "join_url": _visible_join_url(event, registration),
        },
        status=status,
    )


def _visible_join_url(event, registration):
    """The join link: confirmed families only, from 30 minutes before until the end."""
    if not event.is_virtual or not event.join_url or registration is None:
        return ""
    if registration.status != RegistrationStatus.CONFIRMED:
        return ""
    now = timezone.now()
    if event.join_link_visible_from() <= now < event.ends_at:
        return event.join_url
    return ""


@never_cache
@require_GET
def detail(request, pk):
    return _render_detail(request, _event_for_page(pk))


@never_cache
@login_required
@require_POST
def register(request, pk):
    # The plain row is enough to sign up; the page's seat counts only on a re-render.
    event = get_object_or_404(Event, pk=pk)
    form = SignupForm(request.POST, max_party_size=event.max_party_size)
    if not form.is_valid():
        return _render_detail(request, _event_for_page(pk), form)
    try:
        registration = services.register(
            event, request.user, party_size=form.cleaned_data["party_size"], needs=form.needs()
        )
    except services.SignupError as error:
        form.add_error(None, error.message)
        return _render_detail(request, _event_for_page(pk), form)
    return redirect("events:registration", pk=registration.pk)


@never_cache
@login_required
@require_POST
def series_signup(request, pk):
    series = get_object_or_404(EventSeries, pk=pk)
    event_id = request.POST.get("event", "")
    # ASCII digits only: "²".isdigit() is true but no id (int() and the ORM raise).
    valid_id = event_id.isascii() and event_id.isdigit() and len(event_id) <= 18
    if not valid_id or not Event.objects.filter(pk=int(event_id), series=series).exists():
        raise Http404
    event = _event_for_page(int(event_id))
    form = SignupForm(request.POST, max_party_size=series.max_party_size)
    if not form.is_valid():
        return _render_detail(request, event, form)
    size, needs = form.cleaned_data["party_size"], form.needs()
    try:
        if series.mode == SeriesMode.COHORT:
            services.enrol_in_cohort(series, request.user, party_size=size, needs=needs)
            messages.success(request, _("Your party is enrolled for every date of this group."))
            return redirect("events:mine")
        report = services.register_for_remaining_dates(
            series, request.user, party_size=size, needs=needs
        )
    except services.SignupError as error:
        form.add_error(None, error.message)
        return _render_detail(request, event, form)
    return render(request, "events/series_report.html", {"series": series, "report": report})


def _own_registration(request, pk):
    return get_object_or_404(Registration.objects.select_related("event"), pk=pk, user=request.user)


@never_cache
@login_required
@require_GET
def registration(request, pk):
    registration = _own_registration(request, pk)
    return render(
        request,
        "events/registration.html",
        {
            "registration": registration,
            "event": registration.event,
            "position": services.waitlist_position(registration),
            "party_form": PartySizeForm(
                initial={"party_size": registration.party_size},
                max_party_size=registration.event.max_party_size,
            ),
            "join_url": _visible_join_url(registration.event, registration),
        },
    )


@never_cache
@login_required
@require_GET
def registration_calendar(request, pk):
    registration = _own_registration(request, pk)
    response = HttpResponse(
        calendars.registration_calendar(registration), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="session-{registration.event_id}.ics"'
    return response


@never_cache
@login_required
@require_POST
def cancel(request, pk):
    registration = _own_registration(request, pk)
    try:
        services.cancel_registration(registration)
    except services.SignupError as error:
        messages.error(request, error.message)
        return redirect("events:registration", pk=registration.pk)
    messages.success(request, _("Your sign-up is cancelled."))
    return redirect("events:mine")


@never_cache
@login_required
@require_POST
def change_party_size(request, pk):
    registration = _own_registration(request, pk)
    form = PartySizeForm(request.POST, max_party_size=registration.event.max_party_size)
    if form.is_valid():
        try:
            services.change_party_size(registration, form.cleaned_data["party_size"])
        except services.SignupError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your party size is changed."))
    else:
        messages.error(request, _("Please choose how many people are coming."))
    return redirect("events:registration", pk=registration.pk)


@never_cache
@login_required
@require_GET
def mine(request):
    registrations = (
        Registration.objects.filter(user=request.user)
        .filter(~Q(status=RegistrationStatus.CANCELLED) | Q(cancelled_with_session=True))
        .select_related("event")
        .order_by("event__starts_at", "pk")
    )
    now = timezone.now()
    # Sessions the organisers cancelled stay listed, marked, until they would have ended.
    upcoming = [r for r in registrations if r.event.ends_at > now]
    for item in upcoming:
        if item.is_active:
            item.position = services.waitlist_position(item)
            item.size_choices = range(1, item.event.max_party_size + 1)
    past = [r for r in registrations if r.event.ends_at <= now and r.is_active]
    feed = CalendarFeed.objects.filter(user=request.user).first()
    return render(
        request,
        "events/mine.html",
        {
            "upcoming": upcoming,
            "past": past,
            # The address calendar apps will fetch from, whatever host this page was on.
            "feed_url": calendars.site_url(feed.get_absolute_url()) if feed else "",
        },
    )


@never_cache
@login_required
@require_POST
def feed_create(request):
    services.calendar_feed_for(request.user, rotate=True)
    messages.success(request, _("Your new private calendar address is ready."))
    return redirect("events:mine")


@never_cache
@login_required
@require_POST
def feed_revoke(request):
    services.revoke_calendar_feed(request.user)
    messages.success(request, _("Your private calendar address no longer works."))
    return redirect("events:mine")


@never_cache
@require_GET
def feed(request, token):
    feed = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token)
    # Confirmed sessions, and those the organisers cancelled (STATUS:CANCELLED, so the
    # calendar marks the entry rather than silently losing it).
    registrations = (
        Registration.objects.filter(user=feed.user)
        .filter(Q(status__in=SEAT_HOLDING) | Q(cancelled_with_session=True))
        .select_related("event")
        .order_by("event__starts_at")
    )
    response = HttpResponse(
        calendars.feed_calendar(registrations), content_type="text/calendar; charset=utf-8"
    )
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def cancel_by_link(request, token):
    """The signed link in every email. GET asks; POST cancels (mail scanners that
    prefetch links must not cancel anyone's seat)."""
    registration_id = notifications.registration_from_cancel_token(token)
    if not isinstance(registration_id, int):
        raise Http404
    registration = get_object_or_404(
        Registration.objects.select_related("event"), pk=registration_id
    )
    error = ""
    if request.method == "POST" and registration.is_active:
        try:
            services.cancel_registration(registration)
        except services.SignupError as refused:
            error = refused.message
        registration.refresh_from_db()
    return render(
        request,
        "events/cancel_by_link.html",
        {"registration": registration, "event": registration.event, "error": error},
    )
