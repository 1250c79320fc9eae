from shopdl_core.ui.replica import lost_earlier_session


def test_a_fresh_tab_names_no_earlier_session():
    assert not lost_earlier_session("streamlit, xsrf-token", "abc")
    assert not lost_earlier_session(None, "abc")
    assert not lost_earlier_session("streamlit, xsrf-token, ", "abc")


def test_a_resumed_session_is_not_a_lost_one():
    assert not lost_earlier_session("streamlit, xsrf-token, abc", "abc")


def test_a_reconnect_given_a_new_session_lost_the_old_one():
    assert lost_earlier_session("streamlit, xsrf-token, old-id", "new-id")
    assert lost_earlier_session("streamlit, , old-id", "new-id")  # no XSRF token: positions still hold
