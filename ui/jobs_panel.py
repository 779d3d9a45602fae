"""One job panel for every background job (training, explanation): queue place, progress,
ETA, Stop, and the outcome; polled with st.fragment while the job runs."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from riskcore.artefacts import EpochEvent, StageEvent, last_event
from riskcore.cost import format_duration
from riskcore.errors import JobError, RiskcoreError
from riskcore.jobs import JobStatus, LostJob, get_manager
from riskcore.tasks import Task
from ui.auth import current_principal, job_identity
from ui.i18n import TEXT, t
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


def panel(
    kind: str,
    on_done: Callable[[JobStatus], None],
    live: Callable[[JobStatus], None] | None = None,
) -> None:
    """Show the job; `on_done` runs once when it finishes, `live` draws extra live content.
    Above it: jobs of this kind a server restart lost, and why the last submit was refused."""
    _lost(kind)
    refused = st.session_state.pop(f"{_key(kind)}_refused", None)
    if refused is not None:
        show_error(refused)
    s = status(kind)
    if s is None:
        return
    st.fragment(run_every=1.0 if s.state in ACTIVE else None)(_render)(kind, on_done, live)


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


def _render(kind: str, on_done, live) -> None:
    s = status(kind)
    if s is None:
        return
    if s.state == "queued":
        st.info(_queued_text(s), icon=":material/schedule:")
    elif s.state == "running":
        _progress(s)
        if st.button(t("job.stop"), icon=":material/stop:", key=f"stop_{kind}"):
            manager().cancel(s.job_id)
            st.rerun(scope="app")
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


def _stage_text(events: list[dict]) -> str:
    last = last_event(events, "stage")
    stage = last.stage if last else "preparing"
    return t("job.stage", stage=t(f"stage.{stage.split()[0]}"))


def _progress(s: JobStatus) -> None:
    """Epoch progress with an ETA for training; done / total for stages that report it."""
    last = last_event(s.events, "epoch", "stage")
    if isinstance(last, EpochEvent):
        key = "job.member_progress" if last.members else "job.epoch_progress"
        text = t(
            key,
            epoch=last.epoch,
            epochs=last.epochs,
            eta=duration(last.eta_s),
            member=last.member,
            members=last.members,
        )
        done = (last.member or 1) - 1 + last.epoch / max(1, last.epochs)
        st.progress(min(1.0, done / (last.members or 1)), text=text)
        st.caption(_stage_text(s.events))
    elif isinstance(last, StageEvent) and last.total:
        st.progress(
            min(1.0, (last.done or 0) / last.total),
            text=f"{_stage_text(s.events)} · {last.done or 0}/{last.total}",
        )
    else:
        st.progress(0.0, text=_stage_text(s.events))


def expected(seconds: float) -> str:
    """An estimated duration in the units a person reads it in (riskcore.cost's, days in
    the session's language)."""
    if seconds >= 48 * 3600:
        return t("job.days", n=f"{seconds / 86400:,.1f}")
    return format_duration(seconds)


def duration(seconds: float) -> str:
    seconds = round(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}"
