"""One Streamlit session over the app's own websocket protocol: what a browser tab does, minus drawing.

The client sends ``BackMsg.rerun_script`` (the page and every widget value it holds) and reads the
``ForwardMsg`` stream of that run: ``new_session`` opens the run, ``delta`` messages place elements
at a path in the page tree, ``navigation`` lists the app's pages and ``script_finished`` (tagged
with the run's id) closes it. Like the browser, it keeps the large elements it was sent and tells
the server their hashes, so the server may send a ``ref_hash`` in their place.

A fragment with ``run_every`` sends ``auto_rerun`` (its id and interval) and the browser then
reruns only that fragment on a timer; ``rerun_fragment`` does the same on request. A fragment
run redraws its own elements in the page the last full run left.
"""

from __future__ import annotations

import asyncio
import time
import urllib.request
import uuid
from dataclasses import dataclass

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from shopdl_core.ui.session_elements import RenderedElement, SessionError, describe, widget_state

RUN_TIMEOUT_S = 120  # a first run may load a model on a busy 2-core machine

_FINISH_STATUS = {
    ForwardMsg.FINISHED_SUCCESSFULLY: "success",
    ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY: "success",
    ForwardMsg.FINISHED_WITH_COMPILE_ERROR: "compile error",
}


@dataclass(frozen=True)
class PageRun:
    """The page as one script run left it."""

    elements: list[RenderedElement]  # in page order
    status: str  # "success", "compile error"
    seconds: float  # from sending the request to script_finished
    problems: list[str]  # failures outside the page tree: a compile error, a missing page

    @property
    def errors(self) -> list[str]:
        """Everything a user would see as a failure: exception boxes, st.error, a failed run."""
        found = [f"{e.kind}: {e.text}" for e in self.elements if e.kind in ("exception", "error")]
        found += self.problems
        if self.status != "success":
            found.append(f"script finished with {self.status}")
        return found

    def widget(self, user_key: str) -> RenderedElement:
        for element in self.elements:
            if element.user_key == user_key:
                return element
        raise SessionError(f"no widget with key {user_key!r} on the page")

    def texts(self, *kinds: str) -> list[str]:
        """Texts of the main area's elements of these kinds (all kinds when none given)."""
        return [e.text for e in self.elements if not e.in_sidebar and (not kinds or e.kind in kinds)]


class AppSession:
    """A browser tab's session: ``async with AppSession(url) as session: await session.open("images")``."""

    def __init__(self, base_url: str, run_timeout_s: float = RUN_TIMEOUT_S):
        self.base_url = base_url.rstrip("/")
        self.stream_url = self.base_url.replace("http://", "ws://", 1) + "/_stcore/stream"
        self.session_id = ""  # the server's id of this session, from new_session; uploads name it
        self.run_timeout_s = run_timeout_s
        self.pages: dict[str, str] = {}  # url path ("" for home) -> page script hash
        self.last_run: PageRun | None = None
        self.auto_reruns: dict[str, float] = {}  # fragment id -> seconds between its timed reruns
        self._tree: _RunTree | None = None  # the page as the last run left it
        self._socket: ClientConnection | None = None
        self._page_hash = ""
        self._query = ""  # the address bar's query string: sent with every run, as the browser does
        self._widget_states: dict[str, WidgetState] = {}  # what the browser would send back
        self._cached_messages: dict[str, ForwardMsg] = {}  # hash -> message, for ref_hash

    async def __aenter__(self) -> AppSession:
        # max_size=None: a run may send a large image or table in one message.
        self._socket = await connect(self.stream_url, subprotocols=["streamlit"], max_size=None)
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self._socket.close()

    async def open(self, url_path: str = "", query: str = "") -> PageRun:
        """Go to a page by its url path and query string ("product=P001"), as a deep link or a
        navigation click does."""
        self._query = query
        page_hash = self.pages.get(url_path, "")
        return await self._run(page_hash=page_hash, page_name="" if page_hash else url_path)

    async def set_values(self, values: dict[str, object], click: str | None = None) -> PageRun:
        """Set widgets (by user key) to these values and, optionally, click a button, in one rerun.
        Like the browser, it reruns only their st.fragment when they all sit in the same one."""
        for user_key, value in values.items():
            widget = self.last_run.widget(user_key)
            self._widget_states[widget.widget_id] = widget_state(widget, value)
        trigger = None
        if click is not None:
            trigger = WidgetState(id=self.last_run.widget(click).widget_id, trigger_value=True)
        fragments = {self.last_run.widget(key).fragment_id for key in [*values, *([click] if click else [])]}
        fragment_id = fragments.pop() if len(fragments) == 1 else ""
        return await self._run(page_hash=self._page_hash, trigger=trigger, fragment_id=fragment_id)

    async def upload(self, user_key: str, file_name: str, data: bytes) -> PageRun:
        """Drop a file on a ``file_uploader``, as the browser does: ask for an upload URL over the
        websocket, PUT the bytes there over HTTP (with Streamlit's XSRF cookie and header), then
        rerun with the widget holding the file."""
        widget = self.last_run.widget(user_key)
        request = BackMsg()
        request.file_urls_request.request_id = uuid.uuid4().hex
        request.file_urls_request.session_id = self.session_id
        request.file_urls_request.file_names.append(file_name)
        await self._socket.send(request.SerializeToString())
        urls = await asyncio.wait_for(self._read_file_urls(request.file_urls_request.request_id), self.run_timeout_s)
        await asyncio.to_thread(_put_file, self.base_url, urls.upload_url, file_name, data)
        state = WidgetState(id=widget.widget_id)
        info = state.file_uploader_state_value.uploaded_file_info.add()
        info.name, info.size, info.file_id = file_name, len(data), urls.file_id
        info.file_urls.CopyFrom(urls)
        self._widget_states[widget.widget_id] = state
        return await self._run(page_hash=self._page_hash)

    async def _read_file_urls(self, request_id: str):
        while True:
            message = ForwardMsg()
            message.ParseFromString(await self._socket.recv())
            message = self._resolve_reference(message)
            if message.WhichOneof("type") == "file_urls_response" and message.file_urls_response.response_id == request_id:
                if message.file_urls_response.error_msg:
                    raise SessionError(f"upload refused: {message.file_urls_response.error_msg}")
                return message.file_urls_response.file_urls[0]

    async def rerun_fragment(self, fragment_id: str) -> PageRun:
        """Rerun one fragment as the browser's timer for it does; the page keeps everything else."""
        return await self._run(page_hash=self._page_hash, fragment_id=fragment_id, timed=True)

    async def _run(self, page_hash: str, page_name: str = "", trigger: WidgetState | None = None,
                   fragment_id: str = "", timed: bool = False) -> PageRun:
        request = BackMsg()
        state = request.rerun_script
        state.page_script_hash = page_hash
        state.page_name = page_name
        state.fragment_id = fragment_id
        state.query_string = self._query
        state.is_auto_rerun = timed
        state.widget_states.widgets.extend(self._widget_states.values())
        if trigger is not None:  # a click lasts one run, so it is not kept in _widget_states
            state.widget_states.widgets.append(trigger)
        state.cached_message_hashes.extend(self._cached_messages)
        started = time.perf_counter()
        try:
            await self._socket.send(request.SerializeToString())
            run = await asyncio.wait_for(self._read_run(), self.run_timeout_s)
        except ConnectionClosed as exc:
            raise SessionError(f"connection dropped: {exc}") from exc
        except TimeoutError as exc:
            raise SessionError(f"no script_finished within {self.run_timeout_s} s") from exc
        self.last_run = PageRun(run.elements(), run.status, time.perf_counter() - started, run.problems)
        # The browser forgets the values of widgets the run no longer shows.
        shown = {element.widget_id for element in self.last_run.elements}
        self._widget_states = {wid: ws for wid, ws in self._widget_states.items() if wid in shown}
        return self.last_run

    async def _read_run(self) -> _RunTree:
        """Read messages until the run we asked for finishes; earlier runs' leftovers are skipped."""
        run: _RunTree | None = None
        while True:
            message = ForwardMsg()
            message.ParseFromString(await self._socket.recv())
            message = self._resolve_reference(message)
            kind = message.WhichOneof("type")
            if kind == "new_session":
                self.session_id = message.new_session.initialize.session_id or self.session_id
                run_id, fragment_ids = message.metadata.run.script_run_id, tuple(message.metadata.run.fragment_ids)
                if fragment_ids and self._tree is not None:
                    run = self._tree
                    run.start_fragment_run(run_id, fragment_ids)
                else:  # also after st.rerun(): the run that follows replaces the page and its timers
                    run = self._tree = _RunTree(run_id)
                    self.auto_reruns.clear()
            elif run is None:
                continue
            elif kind == "auto_rerun":
                self.auto_reruns[message.auto_rerun.fragment_id] = message.auto_rerun.interval
            elif kind == "stop_auto_rerun":
                for stopped in message.stop_auto_rerun.fragment_ids:
                    self.auto_reruns.pop(stopped, None)
            elif kind == "navigation":
                self.pages = {page.url_pathname: page.page_script_hash for page in message.navigation.app_pages}
                self._page_hash = message.navigation.page_script_hash
            elif kind == "delta":
                run.place(message)
            elif kind == "page_not_found":
                run.problems.append("page not found")
            elif kind == "session_event" and message.session_event.HasField("script_compilation_exception"):
                problem = message.session_event.script_compilation_exception
                run.problems.append(f"{problem.type}: {problem.message}")
            elif kind == "script_finished" and message.metadata.run.script_run_id == run.run_id:
                if message.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # the next new_session starts the run that counts
                run.status = _FINISH_STATUS.get(message.script_finished, str(message.script_finished))
                run.drop_stale()
                return run

    def _resolve_reference(self, message: ForwardMsg) -> ForwardMsg:
        if message.metadata.cacheable:
            self._cached_messages[message.hash] = message
        if message.WhichOneof("type") != "ref_hash":
            return message
        cached = self._cached_messages.get(message.ref_hash)
        if cached is None:
            raise SessionError(f"server referred to a message this client never got ({message.ref_hash})")
        resolved = ForwardMsg()
        resolved.CopyFrom(cached)
        resolved.metadata.CopyFrom(message.metadata)  # the reference carries the new delta path
        return resolved


class _RunTree:
    """The elements runs placed, by delta path; a later delta at a path replaces that subtree.

    A full run starts a new tree. A fragment run continues the last one: it replaces its
    fragments' elements, and those it did not draw again are dropped when it finishes.
    """

    def __init__(self, run_id: str):
        self.run_id = run_id
        self.fragment_ids: tuple[str, ...] = ()  # the fragments this run reruns; () for a full run
        self.status = ""
        self.problems: list[str] = []
        self._by_path: dict[tuple[int, ...], RenderedElement | None] = {}  # None: a block
        self._placed_by: dict[tuple[int, ...], tuple[str, str]] = {}  # path -> (run id, fragment id)

    def start_fragment_run(self, run_id: str, fragment_ids: tuple[str, ...]) -> None:
        self.run_id, self.fragment_ids = run_id, fragment_ids
        self.status, self.problems = "", []

    def place(self, message: ForwardMsg) -> None:
        path = tuple(message.metadata.delta_path)
        for stale in [p for p in self._by_path if p[: len(path)] == path and len(p) > len(path)]:
            del self._by_path[stale]
            self._placed_by.pop(stale, None)
        delta = message.delta
        if delta.WhichOneof("type") == "new_element":
            self._by_path[path] = describe(delta.new_element, path, delta.fragment_id)
        elif delta.WhichOneof("type") == "add_block":
            self._by_path[path] = None
        else:  # e.g. a spinner's transient message: nothing stays on the page
            return
        self._placed_by[path] = (self.run_id, delta.fragment_id)

    def drop_stale(self) -> None:
        """After a fragment run: drop what its fragments drew before and did not draw this time."""
        stale = [path for path, (run_id, fragment_id) in self._placed_by.items()
                 if fragment_id in self.fragment_ids and run_id != self.run_id]
        for path in stale:
            self._by_path.pop(path, None)
            del self._placed_by[path]

    def elements(self) -> list[RenderedElement]:
        return [self._by_path[path] for path in sorted(self._by_path) if self._by_path[path] is not None]


def _put_file(base_url: str, upload_url: str, file_name: str, data: bytes) -> None:
    """PUT one file as multipart form data, carrying the XSRF cookie that the health check sets."""
    with urllib.request.urlopen(base_url + "/_stcore/health", timeout=30) as reply:
        cookies = [header.split(";", 1)[0] for header in reply.headers.get_all("Set-Cookie") or ()]
    xsrf = next((cookie.split("=", 1)[1] for cookie in cookies if cookie.startswith("_streamlit_xsrf=")), "")
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n"
            f"Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    url = upload_url if upload_url.startswith("http") else base_url + upload_url
    request = urllib.request.Request(url, data=body, method="PUT", headers={
        "Content-Type": f"multipart/form-data; boundary={boundary}",
        "Cookie": "; ".join(cookies), "X-Xsrftoken": xsrf,
    })
    with urllib.request.urlopen(request, timeout=60) as reply:
        if reply.status not in (200, 204):
            raise SessionError(f"upload answered HTTP {reply.status}")
