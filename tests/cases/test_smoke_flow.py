import pytest

from tests.factories import PATHS, dossier_in


@pytest.mark.django_db
@pytest.mark.parametrize("state", sorted(PATHS))
def test_every_state_is_reachable_through_services(catalogue, state):
    dossier = dossier_in(state, procedure=catalogue.civil)

    dossier.refresh_from_db()
    assert dossier.status == state
    assert dossier.events.count() == 1 + len(PATHS[state])
