"""One job panel for every background job (training, explanation): queue place, progress,
ETA, Stop, and the outcome; polled with st.fragment while the job runs.

A training job's events name their stage as a step of the whole job (riskcore.train.STAGES)
with the job's remaining seconds, so the panel shows one stage line with its own progress
from the click to the save (worker start, data, model build and trace, epochs, baselines,
calibration, intervals, saving) and an ETA for all of it."""

from __future__ import annotations

import time
from collections.abc import Callable

import streamlit as st

from riskcore.artefacts import BatchEvent, EpochEvent, StageEvent, last_event
from riskcore.cost import format_duration
from riskcore.errors import JobError, RiskcoreError
from riskcore.jobs import JobStatus, LostJob, get_manager
from riskcore.tasks import Task
from ui.auth import current_principal, job_identity
from ui.i18n import TEXT, language, t
from ui.page import show_error
from ui.text import md_escape

ACTIVE = ("queued", "running")


@st.cache_resource(show_spinner=False, max_entries=1)
def manager():
    """One pool of warm worker processes for the whole server (design: jobs)."""
    return get_manager()


def _key(kind: str) -> str:
    return f"job_{kind}"


def _job_owner(kind: str) -> str:
    """Jobs are listed per browser and kind: a reload finds the training still running."""
    return f"{current_principal().user or 'local'}/{kind}"


def submit(kind: str, task: Task | str, payload: dict) -> bool:
    """Queue a job for this browser; its runs record the browser's owner id. The payload is
    checked against the task's model (riskcore.tasks) before anything is queued, and the
    server's limits too (riskcore.cost, riskcore.jobs): a refused job's reason is kept for
    panel() to show after the caller's rerun, and False returned.

    The request is kept (the frames are the session's own objects, not copies) so that Retry
    after a crashed worker can send the very same job again.
    """
    owned = {**payload, **job_identity()}
    try:
        job = manager().submit(task, owned, owner=_job_owner(kind))
    except RiskcoreError as exc:  # over a limit, or a payload that does not match its task
        st.session_state[f"{_key(kind)}_refused"] = exc
        return False
    st.session_state.pop(f"{_key(kind)}_refused", None)
    st.session_state[_key(kind)] = job
    st.session_state[f"{_key(kind)}_seen"] = None
    st.session_state[f"{_key(kind)}_request"] = (task, payload)
    return True


def _adopt(kind: str) -> str | None:
    """A job of this kind that this browser started in another session (before a reload, or
    in another tab) and that is still queued or running; None when there is none."""
    active = [s for s in manager().jobs(owner=_job_owner(kind)) if s.state in ACTIVE]
    return active[-1].job_id if active else None


def status(kind: str) -> JobStatus | None:
    """This browser's job of a kind, or None (also when a restarted server forgot it)."""
    job = st.session_state.get(_key(kind))
    if job is None:
        job = _adopt(kind)
        if job is None:
            return None
        st.session_state[_key(kind)] = job
        st.session_state[f"{_key(kind)}_seen"] = None
    try:
        return manager().status(job)
    except JobError:
        st.session_state[_key(kind)] = None
        return None


def busy(kind: str) -> bool:
    s = status(kind)
    return s is not None and s.state in ACTIVE


def dismiss(kind: str) -> None:
    """Forget this browser's finished job of a kind, so its outcome is no longer shown (a new
    run's form does not sit under the last run's banner). A running job is kept."""
    if not busy(kind):
        st.session_state[_key(kind)] = None


def panel(
    kind: str,
    on_done: Callable[[JobStatus], None],
    live: Callable[[JobStatus], None] | None = None,
    keep_best: bool = False,
) -> None:
    """Show the job; `on_done` runs once when it finishes, `live` draws extra live content.
    Above it: jobs of this kind a server restart lost, and why the last submit was refused.
    `keep_best`: Stop offers "stop and keep the best epoch so far" beside "stop and discard"
    (a training: JobManager.stop_early)."""
    _lost(kind)
    refused = st.session_state.pop(f"{_key(kind)}_refused", None)
    if refused is not None:
        show_error(refused)
    s = status(kind)
    if s is None:
        return
    st.fragment(run_every=1.0 if s.state in ACTIVE else None)(_render)(
        kind, on_done, live, keep_best
    )


def finished(kind: str) -> JobStatus | None:
    """The job of this kind if it is done and its `on_done` has run. Reading the status again
    is not enough: the job may finish between the panel's read and the caller's, and the
    caller would then show a result the session has not taken in yet."""
    s = status(kind)
    if s is None or s.state != "done" or st.session_state.get(f"{_key(kind)}_seen") != s.job_id:
        return None
    return s


def _lost(kind: str) -> None:
    """Warn about this user's jobs of this kind that a server restart lost; the manager tells
    each once, and this session keeps showing them."""
    key = f"{_key(kind)}_lost"
    if key not in st.session_state:
        st.session_state[key] = manager().lost_jobs(_job_owner(kind))
    for job in st.session_state[key]:
        st.warning(_lost_text(job), icon=":material/history:")


def _lost_text(job: LostJob) -> str:
    when = job.submitted.replace("T", " ")[:16] + " UTC"
    key = f"job.kind_{job.kind}"
    what = t(key) if key in TEXT else md_escape(job.kind)  # a task the app does not name
    text = t("job.lost", kind=what, time=md_escape(when))
    if job.files:
        text += " " + t("job.lost_files", files=md_escape(", ".join(job.files)))
    return text


def _queued_text(s: JobStatus) -> str:
    """Place in the queue and how many jobs run before this one."""
    text = t("job.queued", position=s.position or 1)
    if s.ahead:
        text += " " + (t("job.ahead_one") if s.ahead == 1 else t("job.ahead", n=s.ahead))
    return text


def _render(kind: str, on_done, live, keep_best: bool = False) -> None:
    s = status(kind)
    if s is None:
        return
    if s.state == "queued" and s.starting:
        st.progress(0.0, text=t("job.starting"))
    elif s.state == "queued":
        st.info(_queued_text(s), icon=":material/schedule:")
    elif s.state == "running":
        _progress(s)
        _stop_buttons(kind, s, keep_best)
    elif s.state == "done":
        if st.session_state.get(f"{_key(kind)}_seen") != s.job_id:
            st.session_state[f"{_key(kind)}_seen"] = s.job_id
            on_done(s)
            st.rerun(scope="app")
    elif s.state == "cancelled":
        st.warning(t("job.cancelled"), icon=":material/cancel:")
    elif s.error_kind == "crash":
        st.error(t("job.died"), icon=":material/error:")
        st.caption(md_escape(s.error))
        if st.button(t("job.retry"), key=f"retry_{kind}", icon=":material/replay:"):
            request = st.session_state.get(f"{_key(kind)}_request")
            if request is None:
                st.session_state[_key(kind)] = None
            else:
                submit(kind, *request)
            st.rerun(scope="app")
    else:
        st.error(f"{t('job.failed')} {md_escape(s.error)}", icon=":material/error:")
    if live is not None:
        live(s)


def _stop_buttons(kind: str, s: JobStatus, keep_best: bool) -> None:
    """Stop (discard), and with `keep_best` also "stop and keep the best epoch so far" once an
    epoch has finished; while that stop runs its course, only discarding is left."""
    if s.stopping:
        st.info(t("job.stopping"), icon=":material/hourglass_top:")
    epoch_done = last_event(s.events, "epoch") is not None
    training = _stage_of(s.events) in ("training", "building")
    if not keep_best:
        if st.button(t("job.stop"), icon=":material/stop:", key=f"stop_{kind}"):
            manager().cancel(s.job_id)
            st.rerun(scope="app")
        return
    c1, c2 = st.columns(2)
    if c1.button(
        t("job.stop_keep"),
        icon=":material/save:",
        key=f"stop_keep_{kind}",
        help=t("job.stop_keep_help"),
        disabled=s.stopping or not (epoch_done and training),
    ):
        manager().stop_early(s.job_id)
        st.rerun(scope="app")
    if c2.button(
        t("job.stop_discard"),
        icon=":material/delete:",
        key=f"stop_{kind}",
        help=t("job.stop_discard_help"),
    ):
        manager().cancel(s.job_id)
        st.rerun(scope="app")


def _stage_of(events: list[dict]) -> str:
    """The first word of the latest stage ("training network 2 of 3": "training")."""
    last = last_event(events, "stage")
    return last.stage.split()[0] if last else "preparing"


def _stage_text(events: list[dict]) -> str:
    return t("job.stage", stage=t(f"stage.{_stage_of(events)}"))


def _left(event: StageEvent | EpochEvent) -> float | None:
    """The job's seconds left as the event said, less the time since it was sent."""
    eta = getattr(event, "job_eta_s", None)
    if eta is None:
        return None
    at = getattr(event, "at", None)
    gone = max(0.0, time.time() - at) if isinstance(at, int | float) else 0.0
    return max(1.0, float(eta) - gone)


def _step_caption(
    stage: StageEvent | None, eta_event: StageEvent | EpochEvent | None, eta: bool = True
) -> str:
    """ "Step 4 of 10: training the network · about 1:20 left for the whole job"; without
    `eta` the step alone (the progress bar above already says the time left)."""
    if stage is None:
        return _stage_text([])
    name = t(f"stage.{stage.stage.split()[0]}")
    steps = getattr(stage, "steps", None)
    text = (
        t("job.step", step=stage.step, stage=name, steps=steps)
        if steps
        else t("job.stage", stage=name)
    )
    left = _left(eta_event) if eta_event is not None else None
    if not eta:
        pass
    elif left is not None:
        text += " · " + t("job.job_left", eta=duration(left))
    elif steps:
        text += " · " + t("job.eta_after_epoch")
    return text


def _progress(s: JobStatus) -> None:
    """Epoch progress (with the batch within the epoch) while the network trains; otherwise
    the stage's own steps, or the seconds it has taken against what it usually takes. Under
    it the step of the whole job and the job's ETA (training jobs send both)."""
    last = last_event(s.events, "epoch", "stage", "batch")
    stage = last_event(s.events, "stage")
    epoch = last_event(s.events, "epoch")
    training = stage is not None and stage.stage.split()[0] == "training"
    if isinstance(last, EpochEvent | BatchEvent) and (training or stage is None):
        _epoch_bar(epoch, last_event(s.events, "batch"))
        st.caption(_step_caption(stage, epoch, eta=epoch is None))
    elif isinstance(last, StageEvent) and last.total:
        st.progress(
            min(1.0, (last.done or 0) / last.total),
            text=f"{_stage_text(s.events)} · {last.done or 0}/{last.total}",
        )
        if getattr(last, "steps", None):
            st.caption(_step_caption(last, last))
    elif isinstance(last, StageEvent) and getattr(last, "expected_s", None):
        at = getattr(last, "at", None)
        elapsed = max(0.0, time.time() - at) if isinstance(at, int | float) else 0.0
        expected = max(0.1, float(last.expected_s))
        st.progress(
            min(0.95, elapsed / expected),
            text=f"{_stage_text(s.events)} · "
            + t("job.stage_seconds", elapsed=f"{elapsed:.0f}", expected=f"{expected:.0f}"),
        )
        st.caption(_step_caption(last, last if getattr(last, "job_eta_s", None) else epoch))
    else:
        st.progress(0.0, text=_stage_text(s.events))


def _epoch_bar(epoch: EpochEvent | None, batch: BatchEvent | None) -> None:
    """The network's epochs so far, the running epoch's batches counted in."""
    if batch is not None and (epoch is None or batch.epoch > epoch.epoch):
        epochs = epoch.epochs if epoch is not None else getattr(batch, "epochs", None)
        members = epoch.members if epoch is not None else None
        member = epoch.member if epoch is not None else None
        part = batch.batch / max(1, batch.batches)
        done_epochs = batch.epoch - 1 + part
        text = t(
            "job.batch_progress",
            epoch=batch.epoch,
            epochs=epochs or "?",
            batch=batch.batch,
            batches=batch.batches,
        )
        left = _left(epoch) if epoch is not None else None
        if left is not None:
            text += " · " + t("job.job_left", eta=duration(left))
        fraction = done_epochs / epochs if epochs else part * 0.1
        if members:
            fraction = ((member or 1) - 1 + fraction) / members
        st.progress(min(1.0, fraction), text=text)
        return
    if epoch is None:
        st.progress(0.0, text=_stage_text([]))
        return
    key = "job.member_progress" if epoch.members else "job.epoch_progress"
    left = _left(epoch)
    text = t(
        key,
        epoch=epoch.epoch,
        epochs=epoch.epochs,
        eta=duration(left if left is not None else epoch.eta_s),
        member=epoch.member,
        members=epoch.members,
    )
    done = (epoch.member or 1) - 1 + epoch.epoch / max(1, epoch.epochs)
    st.progress(min(1.0, done / (epoch.members or 1)), text=text)


def expected(seconds: float) -> str:
    """An estimated duration in the units a person reads it in, in the session's language."""
    return format_duration(seconds, language())


def duration(seconds: float) -> str:
    seconds = round(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}"
