"""Verbs that publish: ``release create``, ``bake``, ``serve`` and ``demo``."""

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from polindex.cli.common import (
    ColumnPrefix,
    IgnoreExtra,
    PeriodColumn,
    SinglePeriod,
    UnitColumn,
    consoles,
    fail,
    load,
    progress,
    read_options,
    say,
    user_errors,
)

if TYPE_CHECKING:
    from polindex.demo.examples import Example

release_app = typer.Typer(
    help="Freeze results into versioned releases.",
    no_args_is_help=True,
    rich_markup_mode=None,  # plain help, fast (decision 045)
)


def django_setup(*, migrate: bool = True) -> None:
    """Set up the Django project (settings from the environment) and migrate its database
    (``migrate=False``: leave the database as it is)."""
    try:
        import django
        from django.core.management import call_command
    except ImportError:
        fail(
            "This command needs the platform (Django and its database drivers): "
            'pip install "polindex[web]"'
        )

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "polindex.web.settings")
    django.setup()
    if migrate:
        from django.db import connection
        from django.db.migrations.recorder import MigrationRecorder

        if not MigrationRecorder(connection).has_table():
            # A new database: the task queue's 21 migrations first, while the migration state
            # holds none of the other models (it depends on no app and no model refers to it):
            # its data migrations and field changes re-render every model of that state, and
            # then there are few. The same migrations, tables and rows (decision 073).
            call_command("migrate", "django_tasks_database", verbosity=0, interactive=False)
        call_command("migrate", verbosity=0, interactive=False)


@release_app.command("create")
def create(
    framework: Annotated[Path, typer.Argument(help="Framework YAML.")],
    data: Annotated[Path, typer.Argument(help="Data: CSV or XLSX.")],
    version: Annotated[str, typer.Option(help="Release version, e.g. 2025.1.")],
    publish_at: Annotated[
        str | None,
        typer.Option(help="Publish time (ISO 8601, UTC if no offset); before it: embargo."),
    ] = None,
    scored: Annotated[bool, typer.Option(help="Values are already scores.")] = False,
    citation: Annotated[str, typer.Option(help="Suggested citation.")] = "",
    changelog: Annotated[str, typer.Option(help="What changed in this version.")] = "",
    licence: Annotated[str, typer.Option(help="Licence (default: the framework's).")] = "",
    corrects: Annotated[
        str | None,
        typer.Option(help="The earlier version this release corrects (say what in --changelog)."),
    ] = None,
    robustness: Annotated[
        bool,
        typer.Option(
            help="Also publish the audit, and the uncertainty and sensitivity analyses "
            "of the framework's uncertainty: section."
        ),
    ] = False,
    key_findings: Annotated[
        Path | None,
        typer.Option(
            help="A Markdown file of the release's key findings, shown on its page "
            "(editable in the admin until the release is published)."
        ),
    ] = None,
    crosswalk: Annotated[
        Path | None,
        typer.Option(
            help="A crosswalk (YAML, or CSV with columns old,new,note) from the methodology of "
            "the index's latest release to this one: renamed, dropped and added indicators, "
            "frozen with the release and used when the two are compared (back-cast)."
        ),
    ] = None,
    unit_column: UnitColumn = "unit",
    period_column: PeriodColumn = "period",
    column_prefix: ColumnPrefix = "",
    ignore_extra_columns: IgnoreExtra = False,
    single_period: SinglePeriod = None,
) -> None:
    """Build (with the framework's pipeline, if any) or score, then freeze everything into an
    immutable release with a checksum."""
    import datetime as dt

    opts = read_options(
        unit_column, period_column, ignore_extra_columns, single_period, column_prefix
    )
    try:
        when = dt.datetime.fromisoformat(publish_at) if publish_at else dt.datetime.now(dt.UTC)
    except ValueError:
        fail(f"--publish-at: not an ISO 8601 time: {publish_at!r}")
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    definition = load(framework)
    findings = ""
    if key_findings is not None:
        try:
            findings = key_findings.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            fail(f"--key-findings: cannot read {key_findings}: {exc}")
    django_setup()
    from polindex.web.releases.publish import publish_release

    with user_errors(), progress(robustness) as bar:
        if robustness:
            bar.add_task("Building, auditing and evaluating robustness", total=None)
        release = publish_release(
            definition,
            data,
            version=version,
            publish_at=when,
            scored=scored,
            robustness=robustness,
            options=opts,
            citation=citation,
            licence=licence,
            changelog=changelog,
            corrects=corrects,
            key_findings=findings,
            crosswalk=crosswalk,
        )
    say(
        f"Release {release.index.code} {release.version}: {release.scores.count():,} scores, "
        f"publish at {release.publish_at.isoformat()}, checksum {release.checksum[:12]}…"
    )


@release_app.command("outcomes")
def outcomes(
    release: Annotated[str, typer.Argument(help="INDEX/VERSION, e.g. SYNTH/demo.")],
    data: Annotated[
        Path,
        typer.Argument(
            help="Long CSV/XLSX: outcome, unit, period, value[, label, measure, source]."
        ),
    ],
) -> None:
    """Attach outcome indicators to a release (replacing outcomes of the same codes); every
    problem is listed with its row and column, and nothing is stored then."""
    index, _, version = release.partition("/")
    django_setup()
    from polindex.web.outcomes.importing import import_outcomes
    from polindex.web.releases.models import Release

    found = Release.objects.filter(index__code=index, version=version).first()
    if found is None:
        fail(f"no release {release}")
    with user_errors():
        made = import_outcomes(found, data)
    for o in made:
        say(f"{o.code}: {o.values.count():,} values ({o.name}) — /{index}/{version}/outcomes/")


def bake(
    release: Annotated[str, typer.Argument(help="INDEX/VERSION, e.g. SYNTH/demo.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the static site.")],
    base_url: Annotated[
        str,
        typer.Option(
            "--base-url",
            help="The address the site will be served from (its pages' hreflang links name it).",
        ),
    ] = "http://localhost",
) -> None:
    """Write the public explorer of a published release — every page in every language
    (/ and /fr/) — and a JSON mirror of its API as static files (for any static host or CDN)."""
    django_setup()
    from polindex.web.releases.bake import bake as bake_release
    from polindex.web.releases.models import Release

    index, _, version = release.partition("/")
    try:
        found = Release.objects.get(index__code=index, version=version)
        written = bake_release(found, output, base_url)
    except Release.DoesNotExist:
        fail(f"no release {release!r} (give INDEX/VERSION)")
    except LookupError as exc:
        fail(str(exc))
    say(f"Baked {len(written)} files into {output}")


def port_taken(host: str, port: int) -> bool:
    """Whether a server already listens on ``host:port`` (bound as runserver binds)."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


def check_port(host: str, port: int, retry: str) -> None:
    """Stop with a message saying so, and a free port to use instead, when ``port`` is taken;
    ``retry`` is the command to suggest, with ``{port}`` for the free port."""
    if not port_taken(host, port):
        return
    free = next((p for p in range(port + 1, port + 50) if not port_taken(host, p)), None)
    hint = f" Use another port: {retry.format(port=free)}" if free is not None else ""
    fail(
        f"Port {port} on {host} is already in use (another server, or an earlier demo, is "
        f"running there).{hint}"
    )


def address(host: str, port: int) -> str:
    """``host:port`` as a URL writes it."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def serve(
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
) -> None:
    """Start the explorer and API (development server; use a WSGI server in production)."""
    check_port(host, port, "polindex serve --port {port}")
    if host in ("127.0.0.1", "localhost", "::1"):
        os.environ.setdefault("POLINDEX_LOCAL_HTTP", "1")  # sign-in cookies over plain HTTP
    # links in e-mails (printed on the console in the demo) point at this server
    os.environ.setdefault("POLINDEX_BASE_URL", f"http://{address(host, port)}")
    django_setup()
    from django.core.management import call_command

    call_command("runserver", f"{host}:{port}", use_reloader=False)


def demo(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the demo's files.")] = Path(
        "var/demo"
    ),
    publish: Annotated[
        bool, typer.Option(help="Publish the demo (and the examples with data) as releases.")
    ] = False,
    serve_site: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Then serve the explorer and API.")
    ] = False,
    port: Annotated[int, typer.Option(help="Port for --serve.")] = 8000,
    reports: Annotated[
        bool,
        typer.Option(
            "--reports/--no-reports",
            help="With --publish, typeset the synthetic releases' country reports (PDFs) at once.",
        ),
    ] = True,
) -> None:
    """Score the synthetic demonstration index (and IMPIC when POLINDEX_DATA_DIR has it);
    with --publish and --serve, publish them as releases and serve the explorer."""
    if serve_site:  # before the work, not after it
        check_port("127.0.0.1", port, "make demo PORT={port} (or polindex demo --port {port})")
    os.environ.setdefault("POLINDEX_LOCAL_HTTP", "1")  # the demo serves plain HTTP on 127.0.0.1
    published: list[Example] = []
    try:
        score_examples(out_dir, published)
    finally:
        if publish and published:
            publish_examples(published, reports=reports)
    if publish:
        seed_workspace(port)
        from polindex.web.outcomes.demo import seed as seed_outcomes

        if seed_outcomes(out_dir) is not None:
            say(
                f"Outcomes: a synthetic employment-rate gap ({out_dir}/synthetic-outcomes.csv) "
                "against the synthetic index at /SYNTH/demo/outcomes/."
            )
    if serve_site:
        say(f"Serving the explorer at http://127.0.0.1:{port}/ (Ctrl+C to stop)")
        serve(port=port, host="127.0.0.1")


def score_examples(out_dir: Path, published: list["Example"]) -> None:
    """Score the synthetic index, and IMPIC and ASEM when their data are there, printing their
    rankings; each is added to ``published`` as soon as it is scored."""
    from polindex.cli.scoring import print_ranking
    from polindex.demo import examples

    consoles.out.print(
        "[bold yellow]SYNTHETIC DATA[/bold yellow]: invented countries and answers, "
        "generated by Polindex for demonstration only."
    )
    with user_errors():
        synthetic = examples.synthetic_example(out_dir)
    published.append(synthetic)
    print_ranking(synthetic.scores, None, None, top=50)
    say(f"Full results: {out_dir}/synthetic-results.{{csv,xlsx,json}}")
    with user_errors():  # its previous edition, for comparing methodologies
        published.append(examples.synthetic_previous_example(out_dir))
    data_dir = os.environ.get("POLINDEX_DATA_DIR")
    impic = examples.impic_example(Path(data_dir), out_dir) if data_dir else None
    if impic is None:
        say(
            "IMPIC: set POLINDEX_DATA_DIR to a folder holding impic/impic2016.csv to see the "
            "IMPIC 2010 ranking too (see examples/impic/README.md)."
        )
        return
    published.append(impic)
    print_ranking(impic.scores, "2010", None, top=50)
    say(f"IMPIC: 0 = most open, 1 = most restrictive; full results: {out_dir}/impic-results.csv")
    asem = examples.asem_example(Path(data_dir)) if data_dir else None
    if asem is not None:
        published.append(asem)
        say(
            "ASEM: built with COINr's full example pipeline, with its audit, uncertainty and "
            "sensitivity analyses."
        )


def publish_examples(published: list["Example"], reports: bool = True) -> None:
    """Each example as a release (skipped when that version exists already); with ``reports``,
    the synthetic ones' country reports typeset at once (else from the admin, later)."""
    django_setup()
    from polindex.web.releases.models import Release
    from polindex.web.releases.publish import publish_release

    for example in published:
        code = example.scores.framework.code
        if Release.objects.filter(index__code=code, version=example.version).exists():
            say(f"Release {code} {example.version}: already published")
            continue
        with user_errors():
            release = publish_release(
                example.results,
                version=example.version,
                publish_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=example.days_ago),
                synthetic=example.synthetic,
                key_findings=example.findings,
            )
        say(f"Published {code} {example.version}")
        if example.synthetic and reports:  # its reports at once (the others: from the admin)
            from polindex.web.reports.tasks import build_all

            count = build_all(release)
            say(f"Country reports of {code} {example.version}: {count} PDFs and their ZIPs")


def seed_workspace(port: int) -> None:
    """The data-collection workspace: an open demo edition and an account per role."""
    from rich.table import Table

    from polindex.demo.examples import EXAMPLES

    questionnaire = EXAMPLES / "mipex-style" / "framework.yaml"
    if not questionnaire.exists():
        say(f"Workspace: {questionnaire} not found (run from a source checkout).")
        return
    django_setup()
    from django.contrib.auth import get_user_model

    from polindex.web.collection.demo import PASSWORD, seed

    accounts = seed(questionnaire)
    table = Table(
        title="Workspace demo accounts (password for all: " + PASSWORD + ")",
        title_justify="left",
    )
    for col in ("User", "Role", "Country / area"):
        table.add_column(col)
    for name, role, scope in accounts:
        table.add_row(name, role, scope)
    consoles.out.print(table)
    say(
        f"Sign in at http://127.0.0.1:{port}/accounts/login/ — the expert workspace is at "
        "/work/, the central team's admin at /admin/. The questionnaire is a demonstration, "
        "not the official MIPEX; BE's pre-filled answers are synthetic."
    )
    from polindex.web.collection import demo_release
    from polindex.web.collection.demo import CODE
    from polindex.web.collection.models import Edition
    from polindex.web.feedback.demo import seed as seed_feedback

    central = get_user_model().objects.get(username="central")
    scored = demo_release.seed(questionnaire, Edition.objects.get(code=CODE), central)
    where = f"/{scored.index.code}/{scored.version}/"
    say(
        f"Release {scored.index.code} {scored.version}: scored from the earlier edition "
        f"{scored.origin.edition.code} through the workspace's scoring service ({where}); "
        f"its credits page names the experts and reviewers who chose to be named: "
        f"http://127.0.0.1:{port}{where}credits/"
    )
    earlier = seed_feedback(CODE)
    if earlier is not None:
        say(
            f"Suggested corrections: readers send them from {earlier.index.code} "
            f"{earlier.version}'s country and question pages (/{earlier.index.code}/"
            f"{earlier.version}/feedback/); the central team moderates them at "
            "/admin/feedback/suggestion/ (one waits, one is a thread on AT's first answer)."
        )


def register(app: typer.Typer) -> None:
    """Add this module's verbs to ``app`` (``release`` is a group of its own)."""
    app.command()(bake)
    app.command()(serve)
    app.command()(demo)
