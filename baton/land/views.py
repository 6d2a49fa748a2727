"""招商地图: the offline map, parcel and building cards, reserving, matching and import.

Every page reads through the scoped selectors (outside a user's scope: 404) and asks
``permissions`` before offering or doing an action (refused: 403 with a Chinese reason).
The map draws our own GeoJSON (parcels, buildings, projects on their land, the district
outline) with the vendored Leaflet and no tile server. Without JavaScript the same page
lists the filtered parcels and every card and action is a page of its own.
"""

import json
from collections import Counter
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Q, Value, When
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from baton.accounts.areas import area_of, districts_in
from baton.audit.services import Event, Outcome, audit_batch, audit_write
from baton.core.forms import too_large
from baton.core.views import deny, run_dialog

from . import permissions, services
from .forms import ImportForm, MatchForm, ParcelFilterForm, ReleaseForm, ReserveForm, StatusForm
from .importer import MAX_BYTES, parcel_import
from .matching import DEFAULT_TOLERANCE, demand_for, parcels_for, projects_for
from .models import Parcel
from .selectors import (
    building_get,
    building_list,
    held_parcels,
    land_projects,
    parcel_events,
    parcel_get,
    parcel_list,
    reservable_projects,
    visible_project_ids,
)

DATA = Path(__file__).resolve().parent / "data"
Status = Parcel.Status


def _about(parcel: Parcel | None = None) -> dict:
    """What a dialog or a refusal about ``parcel`` shows it by, its page's crumbs, and the
    way back (the parcel, else the 工作台)."""
    crumbs = [("招商地图", reverse("land:map"))]
    if parcel is None:
        return {"crumbs": crumbs, "css": "land/land.css"}
    url = reverse("land:parcel", args=[parcel.code])
    return {
        "parcel": parcel,
        "subject": f"{parcel.code} · {parcel.name} · {parcel.area_mu} 亩",
        "crumbs": [*crumbs, (parcel.code, url)],
        "css": "land/land.css",
        "cancel_url": url,
        "back_url": url,
        "back_label": "返回地块",
    }


def _json_denied(message: str, status: int = 403) -> JsonResponse:
    return JsonResponse(
        {"detail": message}, status=status, json_dumps_params={"ensure_ascii": False}
    )


# --- the map --------------------------------------------------------------------------------


@require_GET
@login_required
def map_view(request):
    user = request.user
    if refusal := permissions.land_refusal(user):
        return deny(request, refusal, **_about())
    form = ParcelFilterForm(request.GET, user=user)
    context = {
        "form": form,
        "page_title": "招商地图",
        "can_import": permissions.can_import(user),
        "statuses": Status.choices,
    }
    status = 400
    if form.is_valid():
        parcels = list(parcel_list(user=user, filters=form.filters()))
        holders = [p.open_reservation() for p in parcels]
        visible = visible_project_ids(user=user, ids=[h.project_id for h in holders if h])
        context.update(
            parcels=parcels,
            rows=[
                {"parcel": p, "holder": h, "visible": h is not None and h.project_id in visible}
                for p, h in zip(parcels, holders, strict=True)
            ],
            filtered=form.is_filtered(),
            total_mu=sum((p.area_mu for p in parcels), Decimal(0)),
            counts=_counts(parcels),
            query=request.GET.urlencode(),
        )
        status = 200
    return render(request, "land/land_map.html", context, status=status)


def _counts(parcels) -> list[dict]:
    count, area = Counter(), Counter()
    for parcel in parcels:
        count[parcel.status] += 1
        area[parcel.status] += parcel.area_mu
    return [
        {"status": value, "label": label, "count": count[value], "area": area[value]}
        for value, label in Status.choices
    ]


@require_GET
@login_required
def parcels_geojson(request):
    """The parcels of the map's filters, the buildings and the projects on their land."""
    user = request.user
    if refusal := permissions.land_refusal(user):
        return _json_denied(refusal)
    form = ParcelFilterForm(request.GET, user=user)
    if not form.is_valid():
        errors = "；".join(e for errs in form.errors.values() for e in errs)
        return _json_denied(f"筛选条件有误：{errors}", status=400)
    parcels = list(parcel_list(user=user, filters=form.filters()))
    holders = {p.pk: p.open_reservation() for p in parcels}
    visible = visible_project_ids(
        user=user, ids=[r.project_id for r in holders.values() if r is not None]
    )
    features = [_parcel_feature(p, holders[p.pk], visible) for p in parcels]
    features += [_building_feature(b) for b in building_list(user=user)]
    features += _project_features(user)
    response = JsonResponse({"type": "FeatureCollection", "features": features})
    response["Cache-Control"] = "no-store"
    return response


def _parcel_feature(parcel: Parcel, holder, visible: set[int]) -> dict:
    props = {
        "layer": "parcel",
        "code": parcel.code,
        "name": parcel.name,
        "status": parcel.status,
        "status_label": parcel.get_status_display(),
        "land_use": parcel.land_use,
        "land_use_label": parcel.get_land_use_display(),
        "area_mu": str(parcel.area_mu),
        "town": parcel.town.name if parcel.town_id else "",
        "industries": [i.name for i in parcel.industries.all()],
        "url": reverse("land:parcel", args=[parcel.code]),
        "centroid": [parcel.centroid_lon, parcel.centroid_lat],
    }
    if holder is not None:
        props["project"] = holder.project.name if holder.project_id in visible else "本区其他项目"
    return {"type": "Feature", "geometry": parcel.geometry, "properties": props}


def _building_feature(building) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [building.lon, building.lat]},
        "properties": {
            "layer": "building",
            "code": building.code,
            "name": building.name,
            "kind_label": building.get_kind_display(),
            "vacant_m2": str(building.vacant_area_m2.normalize()),
            "url": reverse("land:building", args=[building.code]),
        },
    }


def _project_features(user) -> list[dict]:
    """A project's location is the land it holds: one marker per project, on its parcel."""
    features, seen = [], set()
    for reservation in held_parcels(user=user).order_by("project_id", "reserved_at"):
        project = reservation.project
        if project.pk in seen:
            continue
        seen.add(project.pk)
        parcel = reservation.parcel
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [parcel.centroid_lon, parcel.centroid_lat],
                },
                "properties": {
                    "layer": "project",
                    "code": project.code,
                    "name": project.name,
                    "stage": project.stage.name,
                    "parcel": parcel.code,
                    "url": reverse("projects:detail", args=[project.code]),
                },
            }
        )
    return features


@cache
def _outline(code: str) -> dict | None:
    path = DATA / f"{code}.geojson"
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


@require_GET
@login_required
def boundary_geojson(request):
    """The outlines of the districts in the user's scope that the app has data for."""
    user = request.user
    if refusal := permissions.land_refusal(user):
        return _json_denied(refusal)
    features = []
    for district in districts_in(area_of(user)):
        outline = _outline(district.code)
        if outline is not None:
            features += outline["features"]
    return JsonResponse({"type": "FeatureCollection", "features": features})


# --- cards ----------------------------------------------------------------------------------


def _parcel_context(request, parcel: Parcel) -> dict:
    user = request.user
    holder = parcel.open_reservation()
    holder_visible = bool(holder) and bool(visible_project_ids(user=user, ids=[holder.project_id]))
    available = parcel.status == Status.AVAILABLE
    candidates = projects_for(user=user, parcel=parcel, limit=5) if available else []
    for match in candidates:
        match.can_reserve = permissions.can_reserve_for(user, parcel, match.project) and (
            services.reservable_stage(match.project.stage)
        )
    return {
        "parcel": parcel,
        "holder": holder,
        "holder_visible": holder_visible,
        "candidates": candidates,
        "can_reserve": permissions.reserve_refusal(user, parcel) is None,
        "can_release": permissions.release_refusal(user, parcel, holder) is None,
        "can_status": permissions.status_refusal(user, parcel) is None,
        "events": list(parcel_events(parcel=parcel)[:8]),
        "buildings": list(parcel.buildings.all()),
        "page_title": f"地块 {parcel.code}",
    }


@require_GET
@login_required
@vary_on_headers("HX-Request")
def parcel_detail(request, code):
    parcel = parcel_get(user=request.user, code=code)
    context = _parcel_context(request, parcel)
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "land/_parcel_card.html", context)
    return render(request, "land/parcel_detail.html", context)


@require_GET
@login_required
def building_detail(request, code):
    building = building_get(user=request.user, code=code)
    context = {"building": building, "page_title": f"载体 {building.name}"}
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "land/_building_card.html", context)
    return render(request, "land/building_detail.html", context)


# --- actions --------------------------------------------------------------------------------


def _done(request, parcel: Parcel, message: str):
    """After an action: the dialog closes and the card and map refresh; or the parcel page."""
    if request.htmx:
        parcel = parcel_get(user=request.user, code=parcel.code)
        context = {**_parcel_context(request, parcel), "oob": True, "done_message": message}
        response = render(request, "land/_parcel_card.html", context)
        return trigger_client_event(
            trigger_client_event(response, "closeDialog"), "landChanged", {"message": message}
        )
    messages.success(request, message)
    return redirect("land:parcel", parcel.code)


def _action(request, parcel, form, *, template, title, perform, **extra):
    """Run one action's dialog (``run_dialog``); on success ``_done``."""
    return run_dialog(
        request,
        form,
        template=template,
        perform=perform,
        done=lambda request, message: _done(request, parcel, message),
        context={"page_title": title, **_about(parcel), **extra},
    )


def _posted(request):
    """The form data of a POST (even an empty one, so that it is validated), else None."""
    return request.POST if request.method == "POST" else None


@require_http_methods(["GET", "POST"])
@login_required
def parcel_reserve(request, code):
    user = request.user
    parcel = parcel_get(user=user, code=code)
    if refusal := permissions.reserve_refusal(user, parcel):
        return deny(request, refusal, **_about(parcel))
    projects = reservable_projects(user=user, parcel=parcel)
    allowed = set(projects.values_list("pk", flat=True))
    candidates = [
        m for m in projects_for(user=user, parcel=parcel, limit=5) if m.project.pk in allowed
    ]
    projects = _recommended_first(projects, [m.project.pk for m in candidates])
    initial = {"project": request.GET.get("project")} if request.method == "GET" else None
    form = ReserveForm(_posted(request), projects=projects, initial=initial)

    def perform(data):
        project = data["project"]
        if not permissions.can_reserve_for(user, parcel, project):  # the queryset says so too
            raise ValidationError({"project": "您不能为该项目预留地块。"})
        services.parcel_reserve(
            parcel=parcel, project=project, actor=user, until=data["until"], note=data["note"]
        )
        return f"已将地块 {parcel.code} 预留给“{project.name}”。"

    return _action(
        request,
        parcel,
        form,
        template="land/parcel_reserve.html",
        title="预留地块",
        perform=perform,
        candidates=candidates[:3],
        no_projects=not allowed,
    )


def _recommended_first(projects, ranked: list[int]):
    """Order the choices: the matching's candidates first, in their order, marked 推荐."""
    if not ranked:
        return projects
    rank = Case(
        *[When(pk=pk, then=Value(i)) for i, pk in enumerate(ranked)],
        default=Value(len(ranked)),
        output_field=IntegerField(),
    )
    return projects.annotate(land_rank=rank, land_recommended=Q(pk__in=ranked)).order_by(
        "land_rank", "-stage__order", "name"
    )


@require_http_methods(["GET", "POST"])
@login_required
def parcel_release(request, code):
    user = request.user
    parcel = parcel_get(user=user, code=code)
    holder = parcel.open_reservation()
    if refusal := permissions.release_refusal(user, parcel, holder):
        return deny(request, refusal, **_about(parcel))
    form = ReleaseForm(_posted(request))

    def perform(data):
        services.parcel_release(parcel=parcel, actor=user, reason=data["reason"])
        return f"已释放地块 {parcel.code} 的预留，地块恢复为“可供”。"

    visible = bool(visible_project_ids(user=user, ids=[holder.project_id]))
    return _action(
        request,
        parcel,
        form,
        template="land/parcel_release.html",
        title="释放预留",
        perform=perform,
        holder=holder,
        holder_visible=visible,
    )


@require_http_methods(["GET", "POST"])
@login_required
def parcel_status(request, code):
    user = request.user
    parcel = parcel_get(user=user, code=code)
    if refusal := permissions.status_refusal(user, parcel):
        return deny(request, refusal, **_about(parcel))
    form = StatusForm(_posted(request), moves=services.STATUS_MOVES[parcel.status])

    def perform(data):
        services.parcel_set_status(
            parcel=parcel, status=data["status"], actor=user, on=data["on"], reason=data["reason"]
        )
        return f"地块 {parcel.code} 已改为“{Status(data['status']).label}”。"

    return _action(
        request,
        parcel,
        form,
        template="land/parcel_status.html",
        title="变更供应状态",
        perform=perform,
    )


# --- matching -------------------------------------------------------------------------------


@require_GET
@login_required
def match_view(request):
    """为项目找地: rank the available parcels for a project's (or a typed) land demand."""
    user = request.user
    if refusal := permissions.land_refusal(user):
        return deny(request, refusal, **_about())
    projects = land_projects(user=user).order_by("name")
    data = None
    if request.GET:
        data = request.GET.copy()
        data.setdefault("tolerance", format(DEFAULT_TOLERANCE.normalize()))
    form = MatchForm(data, projects=projects)
    context = {"form": form, "page_title": "为项目找地"}
    status = 200
    if request.GET:
        status = 400
        if form.is_valid():
            status = 200
            demand = demand_for(user=user, **form.cleaned_data)
            project = form.cleaned_data["project"]
            matches = parcels_for(user=user, demand=demand)
            for match in matches:
                match.can_reserve = project is not None and permissions.can_reserve_for(
                    user, match.parcel, project
                )
            held = []
            if project is not None:
                held = [r.parcel for r in held_parcels(user=user).filter(project=project)]
            context.update(demand=demand, matches=matches, project=project, held=held)
    return render(request, "land/land_match.html", context, status=status)


# --- import ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def import_view(request):
    user = request.user
    if not permissions.can_import(user):
        return deny(
            request, "地块数据由区招商办统一导入（来自自然资源部门的地块文件）。", **_about()
        )
    status = 200
    form = ImportForm(_posted(request), request.FILES if request.method == "POST" else None)
    context = {"form": form, "page_title": "导入地块"}
    if request.method == "POST":
        status = 422
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BYTES + 1024 * 1024:
            form.errors["file"] = form.error_class([too_large(MAX_BYTES)])
        elif form.is_valid():
            with audit_batch():  # one audit record for the file, not one per parcel
                result = parcel_import(
                    data=form.cleaned_data["file"],
                    actor=user,
                    district=user.district,
                    dry_run=form.cleaned_data["dry_run"],
                )
            name = request.FILES["file"].name[:200]
            if not result.dry_run:
                _audit_import(request, result, name)
            context.update(result=result, file_name=name, errors=result.errors[:500])
            status = 200 if result.ok else 422
    return render(request, "land/land_import.html", context, status=status)


def _audit_import(request, result, name: str) -> None:
    audit_write(
        request=request,
        event=Event.IMPORT,
        outcome=Outcome.SUCCESS if result.ok else Outcome.FAILURE,
        object_type="parcels",
        object_label=name,
        detail=result.summary()
        if result.ok
        else f"地块文件有 {len(result.errors)} 处错误，未写入任何数据",
        after={
            "file": name,
            "format": result.format,
            "created": result.created[:200],
            "updated": result.updated[:200],
            "unchanged": len(result.unchanged),
            "flagged": [f.code for f in result.flagged][:200],
            "errors": len(result.errors),
        },
    )
