"""Resolve user-facing names into one filter over the dataset, shared by the tools."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel

from ecocompute.tools.dataset import Measurement, load
from ecocompute.tools.errors import ToolInputError, UnknownName, missing
from ecocompute.tools.names import (
    checkpoint_precision,
    engine_key,
    gpu_and_count,
    model_key,
    model_params_b,
    precision_key,
    resolve_model,
)


class Query(BaseModel):
    """A resolved configuration filter; None means any."""

    gpu: str | None = None
    model: str | None = None
    model_given: str | None = None
    model_params_b: float | None = None  # size in billions: the dataset's figure, else the name's size token
    precision: str | None = None
    batch_size: int | None = None
    engine: str | None = None
    num_gpus: int | None = None  # from a count written with the GPU ("2xB200"); None = any

    def matches(self, m: Measurement) -> bool:
        """`m` passes every filter that is set."""
        return ((self.gpu is None or m.gpu == self.gpu)
                and (self.model_given is None or m.model == self.model)
                and (self.precision is None or m.precision == self.precision)
                and (self.batch_size is None or m.batch_size == self.batch_size)
                and (self.engine is None or m.engine == self.engine)
                and (self.num_gpus is None or m.num_gpus == self.num_gpus))


def resolve(gpu: str | None = None, model: str | None = None, precision: str | None = None,
            batch_size: int | None = None, engine: str | None = None, *, sized_ok: bool = True,
            checkpoint_decides: bool = True) -> Query:
    """Resolve names; an unknown model with a size token stays unresolved (model=None, size kept).

    A checkpoint name that states a precision ("...-Instruct-FP8", "405B FP8") sets the precision when none
    is given, unless `checkpoint_decides` is off (tools that compare precisions)."""
    _reject_blank(gpu=gpu, model=model, precision=precision, engine=engine)
    name, params = _model(model, sized_ok)
    gpu_id, count = gpu_and_count(gpu) if gpu else (None, None)
    return Query(gpu=gpu_id, num_gpus=count, model=name, model_given=model, model_params_b=params,
                 precision=_precision(precision, model if name and checkpoint_decides else None),
                 batch_size=batch_size, engine=engine_key(engine) if engine else None)


def _reject_blank(**names: str | None) -> None:
    """A blank name is a mistake, not a wildcard: say so rather than match everything."""
    for label, value in names.items():
        if value is not None and not value.strip():
            raise ToolInputError(f"The {label} name is blank; give a name or leave it out (null).", code="unknown_name",
                                 details=UnknownName(kind=label, given=value, did_you_mean=[], covered=[]))


def _model(model: str | None, sized_ok: bool) -> tuple[str | None, float | None]:
    """The dataset's model name and size in billions; an unknown name passes only with a size token (when `sized_ok`)."""
    if model is None:
        return None, None
    name = model_key(model)
    params = model_params_b(model)  # from the dataset's model list, else a size token in the name
    if name is None and (params is None or not sized_ok):
        resolve_model(model)  # raises the did-you-mean error
    return name, params


def _precision(precision: str | None, checkpoint: str | None) -> str | None:
    """The precision asked for, else the one a known checkpoint's name states ("...-Instruct-FP8"), else any."""
    if precision:
        return precision_key(precision)
    return checkpoint_precision(checkpoint) if checkpoint else None


def require_any(**given: object) -> None:
    """At least one filter must be given (a blank string counts as not given)."""
    if all(v is None or (isinstance(v, str) and not v.strip()) for v in given.values()):
        raise missing(f"Give at least one of: {', '.join(given)}.", *given)


def primary_rows(q: Query) -> list[Measurement]:
    """Primary rows matching `q`; reruns of one configuration come as one mean row with each run kept."""
    return [m for m in load().primary() if q.matches(m)]


def other_rows(q: Query, primaries: Iterable[Measurement]) -> list[Measurement]:
    """Secondary and claim rows for the configurations of `primaries` (mirrors repeat, so skipped)."""
    keys = {(p.gpu, p.model, p.precision, p.batch_size, p.engine) for p in primaries}
    loose = {(k[0], k[1], k[2], k[4]) for k in keys}
    return [m for m in load().measurements
            if m.role in ("secondary", "claim") and q.matches(m.model_copy(update={"batch_size": q.batch_size}))
            and ((m.gpu, m.model, m.precision, m.batch_size, m.engine) in keys
                 or (m.batch_size is None and (m.gpu, m.model, m.precision, m.engine) in loose))]


def coverage(q: Query) -> dict[str, list[str]]:
    """What the data covers when one filter at a time is dropped (helps after an empty match)."""
    out: dict[str, list[str]] = {}
    prim = load().primary()
    for field in ("gpu", "model", "precision", "batch_size", "engine", "num_gpus"):
        relaxed = q.model_copy(update={field: None, **({"model_given": None} if field == "model" else {})})
        raw = {getattr(m, field) for m in prim if relaxed.matches(m)} - {None}
        values = [str(v) for v in sorted(raw)]
        if values and getattr(q, "model_given" if field == "model" else field) is not None:
            out[f"{field}s measured for the other filters"] = values
    out["gpus"] = sorted({f"{m.gpu} ({m.engine})" for m in prim})
    out["models"] = sorted({m.model for m in prim})
    return out
