"""Timed fragment reruns in the protocol client, and the lab sessions' figures, without a server."""

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from shopdl_core.load import run_async
from shopdl_core.load.trainings import PAUSE_LIMIT_S, LabLog
from shopdl_core.ui.session_client import AppSession

FRAGMENT = "fragment-1"


class ScriptedSocket:
    """Answers each request with the next scripted list of ForwardMsgs and keeps what was sent."""

    def __init__(self, *replies: list[ForwardMsg]):
        self.sent: list[BackMsg] = []
        self._replies = list(replies)
        self._pending: list[bytes] = []

    async def send(self, data: bytes) -> None:
        self.sent.append(BackMsg.FromString(data))
        self._pending = [message.SerializeToString() for message in self._replies.pop(0)]

    async def recv(self) -> bytes:
        return self._pending.pop(0)


def new_session(run_id: str, *fragment_ids: str) -> ForwardMsg:
    message = ForwardMsg()
    message.new_session.name = "app"
    message.metadata.run.script_run_id = run_id
    message.metadata.run.fragment_ids.extend(fragment_ids)
    return message


def finished(run_id: str, status=ForwardMsg.FINISHED_SUCCESSFULLY) -> ForwardMsg:
    message = ForwardMsg(script_finished=status)
    message.metadata.run.script_run_id = run_id
    return message


def element(path: tuple[int, ...], fragment_id: str = "", progress: str = "", success: str = "",
            heading: str = "") -> ForwardMsg:
    message = ForwardMsg()
    message.metadata.delta_path.extend(path)
    message.delta.fragment_id = fragment_id
    if progress:
        message.delta.new_element.progress.text = progress
    elif success:
        message.delta.new_element.alert.body = success
        message.delta.new_element.alert.format = Alert.SUCCESS
    else:
        message.delta.new_element.heading.body = heading
    return message


def auto_rerun(fragment_id: str, interval: float) -> ForwardMsg:
    message = ForwardMsg()
    message.auto_rerun.fragment_id = fragment_id
    message.auto_rerun.interval = interval
    return message


async def open_then_rerun_fragment(socket: ScriptedSocket):
    session = AppSession("http://127.0.0.1:1")
    session._socket = socket
    await session.open("lab")
    timers = dict(session.auto_reruns)
    return session, timers, await session.rerun_fragment(FRAGMENT)


def test_a_fragment_run_redraws_its_part_of_the_page_and_keeps_the_rest():
    full_run = [new_session("run-1"), element((0, 0), heading="Model lab"),
                element((0, 1), FRAGMENT, progress="Epoch 3 of 10"),
                element((0, 2), FRAGMENT, success="old message"), auto_rerun(FRAGMENT, 0.5), finished("run-1")]
    fragment_run = [new_session("run-2", FRAGMENT), element((0, 1), FRAGMENT, progress="Epoch 7 of 10"),
                    finished("run-2", ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)]
    socket = ScriptedSocket(full_run, fragment_run)
    session, timers, run = run_async(open_then_rerun_fragment(socket))

    assert timers == {FRAGMENT: 0.5} and session.auto_reruns == {FRAGMENT: 0.5}
    assert run.status == "success" and run.errors == []
    # The heading outside the fragment stays; the fragment's element it did not draw again is gone.
    assert run.texts() == ["Model lab", "Epoch 7 of 10"]
    request = socket.sent[-1].rerun_script
    assert request.fragment_id == FRAGMENT and request.is_auto_rerun


def test_a_full_run_replaces_the_page_and_its_timers():
    full_run = [new_session("run-1"), element((0, 0), FRAGMENT, progress="Epoch 3 of 10"),
                auto_rerun(FRAGMENT, 0.5), finished("run-1")]
    # st.rerun() in the fragment: its run ends early and a full run without a timer follows.
    rerun = [new_session("run-2", FRAGMENT), finished("run-2", ForwardMsg.FINISHED_EARLY_FOR_RERUN),
             new_session("run-3"), element((0, 0), FRAGMENT, success="Training finished after 10 of 10 epochs"),
             finished("run-3")]
    session, _, run = run_async(open_then_rerun_fragment(ScriptedSocket(full_run, rerun)))

    assert run.texts() == ["Training finished after 10 of 10 epochs"]
    assert session.auto_reruns == {}


def test_lab_log_counts_epochs_and_pauses_inside_the_window():
    log = LabLog(1, advances=[(9.0, 50), (10.5, 100), (12.0, 80), (13.0, 70), (20.0, 5)])
    assert log.epochs(10.0, 14.0) == 250
    assert log.longest_pause(10.0, 14.0) == 1.5
    log.stopped = True
    assert log.trained_throughout(10.0, 14.0)
    assert not log.trained_throughout(10.0, 14.0 + PAUSE_LIMIT_S)  # no epoch in the window's last stretch


def test_lab_log_without_stop_or_with_a_failure_did_not_train_throughout():
    assert not LabLog(1, advances=[(10.5, 1)]).trained_throughout(10.0, 11.0)
    assert not LabLog(1, advances=[(10.5, 1)], stopped=True, failed=True).trained_throughout(10.0, 11.0)
