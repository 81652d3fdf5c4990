"""The permission matrix: who may use each page of the site, and with which method — derived
from the rules the views ask, never written out by hand.

The rules live in three places, and the matrix reads them there:

* :mod:`.releases.visibility` — a release is seen by everyone once published, before then
  only with the embargo permission (public pages, downloads, charts, the API and the admin);
* :mod:`.collection.permissions` — the workspace: :data:`~.collection.permissions.PAGES` (the
  permission of every page per method) and
  :data:`~.collection.permissions.ANSWER_ACTIONS` (that of every action of an answer's page);
* Django's own: model permissions for the admin, sign-in for the account pages.

A :class:`Page` is one URL pattern of the site with an example of what it opens — a published
or an embargoed release, a country, a submitted or a draft answer — and, for GET and POST, the
rule that decides (``None``: the page takes no such method, 405). HEAD is GET without a body: it
is allowed at most where GET is. :func:`matrix` evaluates every page for a user of every role
of :data:`ROLES`; ``tests/web/test_permission_matrix.py`` requests each cell and compares, and
fails for a URL pattern that has no page here; :func:`table` is the table in
``docs/permissions.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver

from polindex.web.collection.permissions import (
    ANSWER_ACTIONS,
    allowed,
    page_permission,
)
from polindex.web.feedback.permissions import may_moderate
from polindex.web.releases.visibility import can_see

ROLES = (
    "anonymous",
    "expert",
    "reviewer",
    "government contact",
    "coordinator",
    "central team",
    "staff: view release",
    "staff: embargo",
)
METHODS = ("GET", "POST")


@dataclass
class Scene:
    """The objects the pages' examples open (made by the test from demo data)."""

    published: Any  # a release
    embargoed: Any  # a release under embargo
    edition: Any  # open, in its fact-check window
    country: Any  # a Country: the government contact's, with an expert and a reviewer
    submitted: Any  # an answer of ``country`` its expert submitted
    draft: Any  # an answer of ``country`` still a draft
    invitation: Any  # the expert's (accepted) assignment
    objects: dict[str, Any] = field(default_factory=dict)  # an object of each admin model


Rule = Callable[[Any, Scene], bool]


@dataclass(frozen=True)
class Page:
    """One URL pattern with an example and, per method, the rule that decides."""

    pattern: str  # as the URL resolver spells it
    label: str  # what a reader calls it (one row of the docs' table per label)
    path: str  # an example, formatted with the scene: "/T/{published.version}/"
    get: Rule | None
    post: Rule | None
    body: dict[str, Any] = field(default_factory=dict)  # what the example posts
    door: Rule | None = None  # checked before anything else (the admin's: staff)

    def rule(self, method: str) -> Rule | None:
        return self.get if method in ("GET", "HEAD") else self.post

    def url(self, scene: Scene) -> str:
        return self.path.format(**vars(scene), **scene.objects)


# --- rules ---------------------------------------------------------------------------------


def anyone(user: Any, scene: Scene) -> bool:
    return True


def nobody(user: Any, scene: Scene) -> bool:
    return False


def signed_in(user: Any, scene: Scene) -> bool:
    return bool(user.is_authenticated)


def staff(user: Any, scene: Scene) -> bool:
    """The admin's door: an active staff account."""
    return bool(user.is_active and user.is_staff)


def sees(release: str) -> Rule:
    """Everyone once ``release`` (a scene attribute) is published; before, the embargo role."""
    return lambda user, scene: can_see(user, getattr(scene, release))


def workspace(page: str, method: str, target: str, action: str = "") -> Rule:
    """The workspace page ``page``'s permission for ``method`` (PAGES) on ``target`` (a scene
    attribute; empty for the signed-in person's own pages) — for a country and its answers
    behind the country's door (``collection.view_country``); an answer page's POST also needs
    its action's permission (ANSWER_ACTIONS)."""

    def rule(user: Any, scene: Scene) -> bool:
        obj = getattr(scene, target) if target else None
        perm = page_permission(page, method)
        if perm is None or not allowed(user, perm, obj):
            return False
        if target in DOORED and not allowed(user, "collection.view_country", scene.country):
            return False
        return not action or allowed(user, ANSWER_ACTIONS[action], obj)

    return rule


DOORED = ("country", "submitted", "draft")  # behind a country's door


def model(codename: str, *, release: str = "", never: bool = False) -> Rule:
    """The admin's rule for a model's page: staff with the permission ``codename``
    (``view`` also passes with ``change``, as in Django) — on a release, one the user may see;
    ``never``: nobody (the admin refuses it to all)."""

    def rule(user: Any, scene: Scene) -> bool:
        if never or not staff(user, scene):
            return False
        app, name = codename.split(".")
        ok = user.has_perm(codename) or (
            name.startswith("view_") and user.has_perm(f"{app}.change_{name[5:]}")
        )
        return bool(ok) and (not release or can_see(user, getattr(scene, release)))

    return rule


def central(user: Any, scene: Scene) -> bool:
    """The central team on staff: the queue of suggested corrections (:mod:`.feedback`)."""
    return staff(user, scene) and may_moderate(user)


def not_staff(user: Any, scene: Scene) -> bool:
    return not staff(user, scene)


def app_index(app: str) -> Rule:
    return lambda user, scene: staff(user, scene) and bool(user.has_module_perms(app))


ARTICLE = {"published": "a", "embargoed": "an"}

# --- the pages -----------------------------------------------------------------------------

R = "<str:index>/<str:version>"
CHART = f"{R}/chart/"
W = "work/<slug:code>/<str:unit>"
# each public route about one release, with its example (``{v}``: the release's address)
RELEASE_ROUTES = {
    f"{R}/": "{v}/",
    f"{R}/download/<str:fmt>": "{v}/download/long.csv",
    f"{R}/compare/": "{v}/compare/?units=AT,BE",
    f"{R}/methodology/": "{v}/methodology/",
    f"{R}/robustness/": "{v}/robustness/",
    f"{R}/node/<str:code>/": "{v}/node/A/",
    f"{CHART}robustness.<chartfmt:fmt>": "{v}/chart/robustness.csv",
    f"{CHART}series/<str:unit>.<chartfmt:fmt>": "{v}/chart/series/AT.csv",
    f"{CHART}ranking/<str:node>/<str:period>.<chartfmt:fmt>": "{v}/chart/ranking/T/2024.json",
    f"{CHART}compare/<str:period>/<str:units>.<chartfmt:fmt>": "{v}/chart/compare/2024/AT,BE.csv",
    f"{CHART}trend/<str:node>/<str:units>.<chartfmt:fmt>": "{v}/chart/trend/T/AT,BE.csv",
    f"{CHART}areas/<str:unit>/<str:period>.<chartfmt:fmt>": "{v}/chart/areas/AT/2024.csv",
    f"{CHART}area-series/<str:unit>.<chartfmt:fmt>": "{v}/chart/area-series/AT.csv",
    f"{R}/download/reports.zip": "{v}/download/reports.zip",
    f"{R}/<str:unit>/report/": "{v}/AT/report/",
    f"{R}/<str:unit>/report.pdf": "{v}/AT/report.pdf",
    f"{R}/feedback/thanks/": "{v}/feedback/thanks/",
    f"{R}/outcomes/": "{v}/outcomes/",
    f"{R}/credits/": "{v}/credits/",
    f"{R}/<path:unit>/": "{v}/AT/",
    f"{R}/what-if/": "{v}/what-if/",
    f"{R}/what-if/<str:unit>/": "{v}/what-if/AT/",
    f"{R}/goal/<str:unit>/": "{v}/goal/AT/?score=0",
    "api/v1/releases/<index>/<version>/what-if/<unit>": "api/v1/releases/{v}/what-if/AT",
    "api/v1/releases/<index>/<version>/goal/<unit>": "api/v1/releases/{v}/goal/AT?score=0",
    "api/v1/releases/<index>/<version>": "api/v1/releases/{v}",
    "api/v1/releases/<index>/<version>/framework": "api/v1/releases/{v}/framework",
    "api/v1/releases/<index>/<version>/codebook": "api/v1/releases/{v}/codebook",
    "api/v1/releases/<index>/<version>/units": "api/v1/releases/{v}/units",
    "api/v1/releases/<index>/<version>/scores": "api/v1/releases/{v}/scores",
    "api/v1/releases/<index>/<version>/wide": "api/v1/releases/{v}/wide",
    "api/v1/releases/<index>/<version>/answers": "api/v1/releases/{v}/answers",
    "api/v1/releases/<index>/<version>/robustness": "api/v1/releases/{v}/robustness",
    "api/v1/releases/<index>/<version>/outcomes": "api/v1/releases/{v}/outcomes",
    f"{R}/weights/": "{v}/weights/",
    "api/v1/releases/<index>/<version>/weights": "api/v1/releases/{v}/weights",
    f"{R}/compare-with/": "{v}/compare-with/",
    # (compared with the published release: itself, for the published one — a form's 400)
    f"{R}/compare-with/<str:other>/": "{v}/compare-with/{{published.version}}/",
    "api/v1/releases/<index>/<version>/compare-with/<other>": (
        "api/v1/releases/{v}/compare-with/{{published.version}}"
    ),
    "api/v1/releases/<index>/<version>/compare-aggregation/<method>": (
        "api/v1/releases/{v}/compare-aggregation/arithmetic"
    ),
    f"{R}/recommendations/<str:unit>/": "{v}/recommendations/AT/",
    "api/v1/releases/<index>/<version>/recommendations/<unit>": (
        "api/v1/releases/{v}/recommendations/AT"
    ),
    "api/v1/releases/<index>/<version>/peers/<unit>": "api/v1/releases/{v}/peers/AT",
    f"{R}/typology/": "{v}/typology/",
    f"{R}/typology/chart.<str:fmt>": "{v}/typology/chart.csv",
    "api/v1/releases/<index>/<version>/typology": "api/v1/releases/{v}/typology",
    "api/v1/releases/<index>/<version>/units/<unit>/robustness": (
        "api/v1/releases/{v}/units/AT/robustness"
    ),
}
PUBLIC = {  # public routes about no one release: everyone, GET only
    "": "/",
    "search/": "/search/?q=AT",
    "sitemap.xml": "/sitemap.xml",
    "robots.txt": "/robots.txt",
    "assets/vega-embed.js": "/assets/vega-embed.js",
    "api/v1/releases": "/api/v1/releases",
    "api/v1/scores": "/api/v1/scores",
}


SUGGESTION = {"unit": "AT", "kind": "other", "problem": "Art. 5 was repealed."}
"""What the example of the form to suggest a correction posts (a valid suggestion)."""


def _public() -> Iterator[Page]:
    for pattern, path in PUBLIC.items():
        yield Page(pattern, "public pages and API lists", path, anyone, None)
    for name in ("published", "embargoed"):
        v = f"{{{name}.index.code}}/{{{name}.version}}"
        for pattern, path in RELEASE_ROUTES.items():
            example = "/" + path.format(v=v)
            label = f"{ARTICLE[name]} {name} release: its pages, downloads, charts and API"
            yield Page(pattern, label, example, sees(name), None)
        yield Page(
            f"{R}/feedback/", f"{ARTICLE[name]} {name} release: suggesting a correction",
            f"/{v}/feedback/", sees(name), sees(name), body=SUGGESTION,
        )  # fmt: skip
    yield Page(
        "<str:index>/", "an index's latest public release (a redirect to it)",
        "/{published.index.code}/", anyone, None,
    )  # fmt: skip
    yield Page("api/v1/", "the API's root (no page)", "/api/v1/", nobody, nobody)
    for pattern in ("api/v1/openapi.json", "api/v1/docs"):  # read only (api/headers.py)
        yield Page(pattern, "the API's schema and docs", "/" + pattern, anyone, None)
    yield Page("i18n/setlang/", "switching language", "/i18n/setlang/", anyone, anyone)


def _accounts() -> Iterator[Page]:
    yield Page("accounts/login/", "signing in", "/accounts/login/", anyone, anyone)
    yield Page("accounts/logout/", "signing out", "/accounts/logout/", None, anyone)
    change = "changing one's password"
    yield Page("accounts/password_change/", change, "/accounts/password_change/", signed_in,
               signed_in)  # fmt: skip
    yield Page("accounts/password_change/done/", change + " (done)",
               "/accounts/password_change/done/", signed_in, None)  # fmt: skip
    reset = "resetting a forgotten password"
    for pattern, path, post in [
        ("accounts/password_reset/", "/accounts/password_reset/", anyone),
        ("accounts/reset/<uidb64>/<token>/", "/accounts/reset/MQ/no-such-token/", anyone),
        ("accounts/password_reset/done/", "/accounts/password_reset/done/", None),
        ("accounts/reset/done/", "/accounts/reset/done/", None),
    ]:
        yield Page(pattern, reset if post else reset + " (done)", path, anyone, post)


def _workspace() -> Iterator[Page]:
    def page(pattern: str, name: str, label: str, path: str, target: str, **kw: Any) -> Page:
        get, post = (
            workspace(name, m, target, kw.get("action", "")) if page_permission(name, m) else None
            for m in METHODS
        )
        return Page(pattern, label, path, get, post, kw.get("body", {}))

    country = "/work/{edition.code}/{country.unit}"
    yield page("work/", "collection:dashboard", "workspace: one's dashboard", "/work/", "")
    yield page(
        "work/invitation/<str:token>/", "collection:invitation", "workspace: an invitation",
        "/work/invitation/{invitation.token}/", "invitation",
    )  # fmt: skip
    for pattern, name, what in [
        ("work/<slug:code>/agreement/", "collection:agreement", "inter-coder agreement"),
        ("work/<slug:code>/answers.csv", "collection:answers_csv", "every answer as CSV"),
        ("work/<slug:code>/score/", "collection:score", "scoring into a release (POST: made)"),
        (
            "work/<slug:code>/invite/",
            "collection:invite",
            "inviting people from a CSV (GET: the form; POST: its dry run)",
        ),
        (
            "work/<slug:code>/invite/confirm/",
            "collection:invite_confirm",
            "inviting people from a CSV: the confirmation",
        ),
    ]:
        path = "/" + pattern.replace("<slug:code>", "{edition.code}")
        yield page(pattern, name, f"workspace: {what}", path, "edition")
    person = "/work/people/{invitation.user_id}/"
    for pattern, name, what, path in [
        ("work/people/", "collection:people", "the expert network", "/work/people/"),
        ("work/people/<int:pk>/", "collection:person", "a person's roles", person),
        ("work/people/<int:pk>/invite/", "collection:reinvite",
         "inviting a past expert to an edition (a preview)",
         person + "invite/?edition={edition.code}"),
        ("work/invitations/<int:pk>/<slug:action>/", "collection:invitation_step",
         "resending or withdrawing an invitation", "/work/invitations/{invitation.pk}/resend/"),
    ]:  # fmt: skip
        yield page(pattern, name, f"workspace: {what}", path, "")
    yield page(f"{W}/", "collection:country", "workspace: a country's questionnaire",
               country + "/", "country")  # fmt: skip
    yield page(
        f"{W}/steps/<slug:action>/", "collection:step",
        "workspace: a step for many answers of a country (GET: its preview; POST: confirmed)",
        country + "/steps/submit/", "country", body={"token": "0:0"},
    )  # fmt: skip
    for suffix, name, what in [
        ("questionnaire.xlsx", "collection:download", "a country's questionnaire as XLSX"),
        ("read/", "collection:read", "a country's read-through"),
        ("upload/", "collection:upload", "uploading a country's questionnaire"),
    ]:
        yield page(f"{W}/{suffix}", name, f"workspace: {what}", f"{country}/{suffix}", "country")
    comment = {"action": "comment", "comment": "Is this still in force?"}
    for target in ("submitted", "draft"):
        yield page(
            f"{W}/<str:indicator>/", "collection:answer",
            f"workspace: a {target} answer (POST: a comment)",
            country + f"/{{{target}.indicator}}/", target, action="comment", body=comment,
        )  # fmt: skip


# the admin's models: (app, model) → how they are shown (every model the admin registers)
ADMIN_MODELS = {
    ("releases", "release"): "releases",
    ("releases", "index"): "indexes, editions, assignments, users and groups",
    ("collection", "edition"): "indexes, editions, assignments, users and groups",
    ("collection", "assignment"): "indexes, editions, assignments, users and groups",
    ("collection", "person"): "indexes, editions, assignments, users and groups",
    ("auth", "user"): "indexes, editions, assignments, users and groups",
    ("auth", "group"): "indexes, editions, assignments, users and groups",
    ("django_tasks_database", "dbtaskresult"): "background tasks",
    ("feedback", "suggestion"): "suggested corrections (the central team's queue)",
}


def _admin() -> Iterator[Page]:
    site = [
        ("admin/", "the admin's index", staff, staff),
        ("admin/login/", "the admin's sign-in", anyone, anyone),
        (
            "admin/logout/",
            "the admin's sign-out (staff: POST; anyone else is sent on to the admin's index)",
            not_staff,
            anyone,
        ),
        ("admin/password_change/", "the admin's password change", staff, staff),
        ("admin/password_change/done/", "the admin's password change (done)", staff, None),
        ("admin/jsi18n/", "the admin's scripts", staff, None),
        # no admin page asks for completions; no model has a public page to go to
        ("admin/autocomplete/", "no admin page", nobody, nobody),
        ("admin/r/<path:content_type_id>/<path:object_id>/", "no admin page", nobody, nobody),
        ("admin/(?P<url>.*)$", "no admin page", nobody, nobody),
    ]
    for pattern, label, get, post in site:
        path = {
            "admin/r/<path:content_type_id>/<path:object_id>/": "/admin/r/{release_type}/1/",
            "admin/(?P<url>.*)$": "/admin/no-such-page/",
        }.get(pattern, "/" + pattern)
        door = None if pattern in ("admin/login/", "admin/logout/") else staff
        yield Page(pattern, label, path, get, post, door=door)
    apps = list(dict.fromkeys(m._meta.app_label for m in admin.site._registry))  # (its order)
    for app in apps:
        rule = central if app == "feedback" else app_index(app)
        yield Page(
            f"admin/^(?P<app_label>{'|'.join(apps)})/$", f"the admin's index of {app}",
            f"/admin/{app}/", rule, rule, door=staff,
        )  # fmt: skip
    for (app, name), shown in ADMIN_MODELS.items():
        if (app, name) == ("feedback", "suggestion"):
            yield from _suggestion_pages(shown)
        else:
            yield from _model_pages(app, name, shown)


def admin_page(pattern: str, label: str, path: str, get: Rule, post: Rule) -> Page:
    """A page behind the admin's door (staff only)."""
    return Page(pattern, label, path, get, post, door=staff)


def _model_pages(app: str, name: str, shown: str) -> Iterator[Page]:
    prefix, codename = f"admin/{app}/{name}/", f"{app}.%s_{name}"
    releases = name == "release"  # (read-only: never deleted; changed only under embargo)
    tasks = name == "dbtaskresult"  # (django-tasks-db's admin only shows tasks)
    view, add = model(codename % "view"), model(codename % "add", never=tasks)
    yield admin_page(prefix, f"admin: {shown} — the list", "/" + prefix, view, view)
    yield admin_page(f"{prefix}add/", f"admin: {shown} — adding", f"/{prefix}add/", add, add)
    for example in ["published", "embargoed"] if releases else [f"{app}_{name}"]:
        what = f"{ARTICLE[example]} {example} release" if releases else "one"
        label, url = f"admin: {shown} — {what}", f"/{prefix}{{{example}.pk}}/"
        if not releases:
            url = f"/{prefix}{{{example}}}/"
        see = model(codename % "view", release=example if releases else "")
        # a release is never changed, but an embargoed one's key findings (its page's text)
        change = model(
            codename % "change",
            release=example if releases else "",
            never=tasks or (releases and example == "published"),
        )
        delete = model(codename % "delete", never=releases or tasks)
        obj = prefix + "<path:object_id>/"
        yield admin_page(obj + "change/", f"{label}: its page", url + "change/", see, change)
        yield admin_page(obj + "history/", f"{label}: its history", url + "history/", see, see)
        yield admin_page(obj + "delete/", f"{label}: deleting", url + "delete/", delete, delete)
        # (its old address redirects to its page, for anyone on staff)
        yield admin_page(obj, "admin: an object's old address (to its page)", url, staff, staff)
        if (app, name) == ("auth", "user"):
            change_user = model("auth.change_user")
            yield admin_page(
                "admin/auth/user/<id>/password/", "admin: a user's password",
                url + "password/", change_user, change_user,
            )  # fmt: skip


def _suggestion_pages(shown: str) -> Iterator[Page]:
    """The moderation queue: the central team's (:mod:`.feedback.permissions`), Django's model
    permissions aside; suggestions come from the public form, never added here."""
    prefix, url = "admin/feedback/suggestion/", "/admin/feedback/suggestion/{feedback_suggestion}/"
    yield admin_page(prefix, f"admin: {shown} — the list", "/" + prefix, central, central)
    yield admin_page(f"{prefix}add/", f"admin: {shown} — adding", f"/{prefix}add/", nobody, nobody)
    obj = prefix + "<path:object_id>/"
    for suffix, what in [("change/", "its page"), ("history/", "its history"),
                         ("delete/", "deleting")]:  # fmt: skip
        yield admin_page(obj + suffix, f"admin: {shown} — one: {what}", url + suffix, central,
                         central)  # fmt: skip
    yield admin_page(obj, "admin: an object's old address (to its page)", url, staff, staff)


def pages() -> list[Page]:
    """Every page of the site, with its example and rules."""
    return [*_public(), *_accounts(), *_workspace(), *_admin()]


def url_patterns() -> set[str]:
    """Every URL pattern of the site, as the resolver spells it (the API's routes included)."""

    def walk(items: list[Any], prefix: str = "") -> Iterator[str]:
        for p in items:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern)

    return set(walk(get_resolver().url_patterns))


def admin_models() -> set[tuple[str, str]]:
    """The (app, model) of every model the admin shows."""
    return {(m._meta.app_label, m._meta.model_name or "") for m in admin.site._registry}


def matrix(users: dict[str, Any], scene: Scene) -> dict[tuple[str, str, str], bool]:
    """What the rules allow: (URL example, role, method) → allowed, for every page and the
    user of every role in ``users``."""
    out: dict[tuple[str, str, str], bool] = {}
    for page in pages():
        for role, user in users.items():
            for method in METHODS:
                rule = page.rule(method)
                out[(page.url(scene), role, method)] = rule is not None and rule(user, scene)
    return out


def table(users: dict[str, Any], scene: Scene) -> str:
    """The matrix as a Markdown table: a row per label (its pages all alike), a column per
    role, in each cell the methods allowed (HEAD goes with GET). Raises ``ValueError`` when
    two pages of one label differ (they need labels of their own)."""
    expected = matrix(users, scene)
    rows: dict[str, tuple[str, ...]] = {}
    for page in pages():
        cells = tuple(
            ", ".join(m for m in METHODS if expected[(page.url(scene), role, m)]) or "–"
            for role in users
        )
        if rows.setdefault(page.label, cells) != cells:
            raise ValueError(f"pages labelled {page.label!r} differ: give them labels of their own")
    lines = [
        "| page | " + " | ".join(users) + " |",
        "|---|" + "---|" * len(users),
        *(f"| {label} | " + " | ".join(cells) + " |" for label, cells in rows.items()),
    ]
    return "\n".join(lines) + "\n"
