"""The uncertainty design: which construction choices are uncertain, and how to sample them.

Written as an ``uncertainty:`` section of the framework YAML (beside ``pipeline:``) or a file of
its own, or built in Python. Each input is one of:

* **alternatives for a step** of the pipeline — ``{name, step, alternatives: [settings, …]}``,
  each alternative merged into that step's spec (``{winmax: 3}``, ``{method: zscore, params:
  {mean: 10, sd: 2}}``); ``null`` removes the step;
* **a continuous weight** — ``{name, weight: CODE, range: [low, high]}``;
* **weight noise** — ``{name, weight_noise: {level: factor, …}, sets: 100}``: that many weight
  sets, each weight of those levels multiplied by ``1 + U(−factor, factor)`` (COINr's
  ``get_noisy_weights``), one of which each replication draws;
* **given weight sets** — ``{name, weight_sets: [{CODE: weight, …}, …]}`` or a CSV file (one
  row per set), e.g. the noisy weights a COINr design drew, one of which each replication draws;
* **exclusion of indicators** — ``{name, exclude: [[], [CODE], [CODE, CODE]]}``.

A sample value ``u`` in [0, 1] picks an alternative as R's ``cut(u, n)`` does in COINr's
``sample_2_para`` (equal intervals over the sampled range), so a design made by COINr can be
replayed exactly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from polindex.framework.messages import explain
from polindex.framework.models import Code
from polindex.framework.problems import FrameworkError, Problem
from polindex.framework.vocabulary import StepName
from polindex.framework.yamlsource import YamlDocument, format_path, read_section


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class UncertainInput(_Model):
    """One uncertain choice (see the module docstring for the five kinds)."""

    name: Annotated[str, Field(min_length=1, max_length=64)]
    step: StepName | None = None
    alternatives: tuple[dict[str, Any] | None, ...] = ()
    weight: Code | None = None
    range: tuple[float, float] | None = None
    weight_noise: dict[str, Annotated[float, Field(ge=0, lt=1)]] | None = None
    sets: Annotated[int, Field(ge=1, le=100_000)] = 100
    weight_sets: tuple[dict[str, Annotated[float, Field(ge=0)]], ...] | str | None = None
    """Given weight sets (code → weight), inline or a CSV file (one row per set, one column
    per code) — e.g. the noisy weights a COINr design drew, to replay it exactly."""
    exclude: tuple[tuple[Code, ...], ...] = ()

    @model_validator(mode="after")
    def _one_kind(self) -> UncertainInput:
        kinds = [
            self.step is not None,
            self.weight is not None,
            self.weight_noise is not None,
            self.weight_sets is not None,
            bool(self.exclude),
        ]
        if sum(kinds) != 1:
            raise ValueError(
                "give exactly one of: step (with alternatives), weight (with range), "
                "weight_noise, weight_sets, exclude"
            )
        if self.step is not None and len(self.alternatives) < 2:
            raise ValueError("a step input needs at least two alternatives")
        if self.weight is not None:
            if self.range is None:
                raise ValueError("a weight input needs range: [low, high]")
            if not 0 <= self.range[0] < self.range[1]:
                raise ValueError(
                    f"range must be [low, high] with 0 <= low < high; got {self.range}"
                )
        if self.exclude and len(self.exclude) < 2:
            raise ValueError(
                "an exclude input needs at least two alternatives (e.g. [] and [CODE])"
            )
        return self

    @property
    def kind(self) -> str:
        """``step``, ``weight``, ``weight_noise`` or ``exclude``."""
        if self.step is not None:
            return "step"
        if self.weight is not None:
            return "weight"
        if self.weight_noise is not None:
            return "weight_noise"
        if self.weight_sets is not None:
            return "weight_sets"
        return "exclude"

    @property
    def n_alternatives(self) -> int | None:
        """How many discrete alternatives (``None`` for a continuous weight)."""
        if self.kind == "step":
            return len(self.alternatives)
        if self.kind == "weight_noise":
            return self.sets
        if self.kind == "weight_sets":
            return len(self.load_weight_sets())
        if self.kind == "exclude":
            return len(self.exclude)
        return None

    def load_weight_sets(self) -> list[dict[str, float]]:
        """The weight sets of a ``weight_sets`` input (read from its CSV file if a path: a
        design loaded from a file has its paths read at load time, see
        :func:`load_uncertainty`)."""
        if isinstance(self.weight_sets, str):
            sets, problem = read_weight_sets(Path(self.weight_sets))
            if problem:
                raise FrameworkError([Problem(f"weight_sets ({self.name})", problem)])
            return sets
        return [dict(s) for s in self.weight_sets or ()]


def read_weight_sets(path: Path) -> tuple[list[dict[str, float]], str]:
    """The weight sets of a CSV file (one row per set, one column per code) and, when it cannot
    be read, what is wrong (else an empty string).

    Examples
    --------
    >>> import tempfile
    >>> f = Path(tempfile.mkdtemp()) / "w.csv"
    >>> _ = f.write_text("A,B\\n1,2\\n0.5,x\\n", encoding="utf-8")
    >>> read_weight_sets(f)
    ([], "w.csv row 3, column 'B': 'x' is not a number")
    """
    import csv

    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except OSError as exc:
        return [], f"cannot read {path}: {exc.strerror}"
    except UnicodeDecodeError:
        return [], f"{path.name} is not UTF-8 text"
    out = []
    for k, row in enumerate(rows):
        current: dict[str, float] = {}
        for code, value in row.items():
            if not code or value in ("", None):
                continue
            try:
                weight = float(str(value))
            except ValueError:
                return [], f"{path.name} row {k + 2}, column {code!r}: {value!r} is not a number"
            if not weight >= 0:
                return [], f"{path.name} row {k + 2}, column {code!r}: weights are 0 or more"
            current[str(code)] = weight
        out.append(current)
    if not out:
        return [], f"{path.name} has no weight sets (one row per set, one column per code)"
    return out, ""


class Uncertainty(_Model):
    """The uncertain inputs, the output studied and how to sample.

    Examples
    --------
    >>> u = Uncertainty.model_validate({"inputs": [
    ...     {"name": "winmax", "step": "treat", "alternatives": [{"winmax": 1}, {"winmax": 5}]},
    ...     {"name": "weights", "weight_noise": {"pillar": 0.25}, "sets": 10}]})
    >>> [i.kind for i in u.inputs], u.sampling
    (['step', 'weight_noise'], 'sobol')
    """

    inputs: tuple[UncertainInput, ...]
    target: Code | None = None
    """The node whose scores and ranks are studied (default: the index)."""
    period: str | int | None = None
    """The period studied (default: the latest)."""
    sampling: Literal["sobol", "random"] = "sobol"
    seed: int = 1
    runs: Annotated[int, Field(ge=3)] = 100
    """N: replications of an uncertainty analysis; base sample size of a sensitivity analysis
    (N·(d + 2) evaluations)."""
    bootstrap: Annotated[int, Field(ge=0)] = 1000
    centre_outputs: bool = True
    """Centre outputs before estimating sensitivity indices (less variance, same expectation);
    false reproduces COINr's ``SA_estimate`` exactly."""

    @model_validator(mode="after")
    def _names(self) -> Uncertainty:
        if not self.inputs:
            raise ValueError("list at least one uncertain input")
        names = [i.name for i in self.inputs]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"input name used twice: {', '.join(dupes)}")
        return self


def load_uncertainty(
    source: str | Path | dict[str, Any] | YamlDocument, *, folder: Path | None = None
) -> Uncertainty:
    """Load an uncertainty design from YAML (its own file, or a framework file's
    ``uncertainty:`` section) or parsed data; every problem is listed with path and line.

    A ``weight_sets:`` CSV path is read here, relative to ``folder`` (default: the YAML file's
    folder, else the working directory), so the design holds its weight sets and never depends
    on where it is run from.

    Examples
    --------
    >>> load_uncertainty({"inputs": [{"name": "agg", "step": "aggregate",
    ...     "alternatives": [{"method": "arithmetic"}, {"method": "geometric"}]}]}).runs
    100
    """
    doc, base, data, name = read_section(source, "uncertainty", "<uncertainty>")
    if folder is None and isinstance(source, str | Path):
        folder = Path(source).parent
    problems = []

    def problem(loc: tuple[Any, ...], msg: str) -> None:
        where = (*base, *loc)
        problems.append(Problem(format_path(where), msg, doc.line(where)))

    try:
        design = Uncertainty.model_validate(data)
    except ValidationError as exc:
        for loc, message, _ in explain(exc):
            problem(tuple(loc), message)
        raise FrameworkError(problems, name) from None
    inputs = list(design.inputs)
    for k, item in enumerate(inputs):
        if isinstance(item.weight_sets, str):
            path = Path(item.weight_sets)
            sets, wrong = read_weight_sets(path if folder is None else folder / path)
            if wrong:
                problem(("inputs", k, "weight_sets"), wrong)
            else:
                inputs[k] = item.model_copy(update={"weight_sets": tuple(sets)})
    if problems:
        raise FrameworkError(problems, name)
    return design.model_copy(update={"inputs": tuple(inputs)})
