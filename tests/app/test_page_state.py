"""Settings chosen on a page survive a visit to another page (issue 19, finding 6)."""

from tests.conftest import open_app


def test_recommendation_settings_survive_another_page():
    at = open_app("app_pages/recommend.py")
    at.selectbox(key="recsys_shopper").select("Dev").run()
    at.slider(key="recsys_alpha").set_value(0.8).run()
    at.switch_page("app_pages/images.py").run()
    at.switch_page("app_pages/recommend.py").run()
    assert not at.exception
    assert at.selectbox(key="recsys_shopper").value == "Dev"
    assert at.slider(key="recsys_alpha").value == 0.8


def test_a_typed_review_survives_another_page_and_a_rerun():
    at = open_app("app_pages/reviews.py")
    at.text_area(key="review_text").input("The zip broke on day two.").run()
    at.switch_page("app_pages/lab.py").run()
    at.run()
    at.switch_page("app_pages/reviews.py").run()
    assert not at.exception
    assert at.text_area(key="review_text").value == "The zip broke on day two."
