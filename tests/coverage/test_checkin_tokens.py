import pytest

from coverage.models import TrainingSession
from coverage.sessions import tokens

T0 = 1_790_000_020.0  # a fixed clock, 10 s into a 15-second step (1_790_000_010 % 15 == 0)


@pytest.fixture
def session():
    # Tokens need only the primary key and the secret: no database row.
    return TrainingSession(pk=41, secret="session-secret-a")


def test_token_is_accepted_in_its_own_step(session):
    token = tokens.rotating_token(session, "in", now=T0)
    assert tokens.token_check(session, "in", token, now=T0) == "rotating"
    assert tokens.token_check(session, "in", token, now=T0 + 4) == "rotating"


def test_token_rotates_every_fifteen_seconds(session):
    first = tokens.rotating_token(session, "in", now=T0)
    assert tokens.rotating_token(session, "in", now=T0 + 5) != first
    assert tokens.rotating_token(session, "in", now=T0 + 5 + 15) != tokens.rotating_token(
        session, "in", now=T0 + 5
    )


def test_previous_step_is_still_accepted(session):
    token = tokens.rotating_token(session, "in", now=T0)
    # T0 is 10 s into its step: +5 s is the next step, +19 s still the next one.
    assert tokens.token_check(session, "in", token, now=T0 + 5) == "rotating"
    assert tokens.token_check(session, "in", token, now=T0 + 19) == "rotating"


def test_replay_after_two_steps_is_refused(session):
    token = tokens.rotating_token(session, "in", now=T0)
    assert tokens.token_check(session, "in", token, now=T0 + 20) is None
    assert tokens.token_check(session, "in", token, now=T0 + 3600) is None


def test_token_from_the_future_is_refused(session):
    later = tokens.rotating_token(session, "in", now=T0 + 15)
    assert tokens.token_check(session, "in", later, now=T0) is None


@pytest.mark.parametrize("forged", ["", "aaaaaaaaaaaaaaaa", "s" + "a" * 16, "../../admin"])
def test_forged_tokens_are_refused(session, forged):
    assert tokens.token_check(session, "in", forged, now=T0) is None


def test_token_is_bound_to_session_direction_and_secret(session):
    token = tokens.rotating_token(session, "in", now=T0)
    other_session = TrainingSession(pk=42, secret="session-secret-a")
    regenerated = TrainingSession(pk=41, secret="session-secret-b")
    assert tokens.token_check(other_session, "in", token, now=T0) is None
    assert tokens.token_check(session, "out", token, now=T0) is None
    assert tokens.token_check(regenerated, "in", token, now=T0) is None


def test_static_code_never_expires_and_says_so(session):
    token = tokens.static_token(session, "in")
    assert tokens.token_check(session, "in", token, now=T0) == "static"
    assert tokens.token_check(session, "in", token, now=T0 + 86400 * 30) == "static"
    assert tokens.token_check(session, "out", token, now=T0) is None
