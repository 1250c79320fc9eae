"""What a viewer is told when the app process that held their session went away.

When the websocket drops, the browser reconnects and names its old session (the third entry of
the ``Sec-WebSocket-Protocol`` header, as Streamlit's frontend sends it). A process that still
holds that session resumes it. One that does not (the old process crashed or restarted, or the
proxy sent the browser to another process) opens a new session: the page works, but whatever
only the old process knew (edits, uploads, likes) is gone. That session's first run says so once.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from shopdl_core.i18n import _

_CHECKED = "replica_notice_checked"


def lost_earlier_session(websocket_protocol: str | None, own_session_id: str) -> bool:
    """True when the browser asked to resume a session other than the one it was given."""
    entries = [entry.strip() for entry in (websocket_protocol or "").split(",")]
    earlier = entries[2] if len(entries) >= 3 else ""
    return bool(earlier) and earlier != own_session_id


def notice_after_failover() -> None:
    """Call once per run, before the page: on a session's first run, tell a viewer who lost theirs."""
    if st.session_state.get(_CHECKED):
        return
    st.session_state[_CHECKED] = True
    context = get_script_run_ctx()
    if context is not None and lost_earlier_session(st.context.headers.get("Sec-Websocket-Protocol"),
                                                    context.session_id):
        st.warning(_("The server you were on stopped, so this page reconnected to another one. Everything "
                     "works; what you changed before (edited ratings, an uploaded photo, a typed review) was "
                     "reset."), icon="🔄")
