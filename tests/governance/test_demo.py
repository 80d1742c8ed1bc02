import pytest

from core import demo as foundation
from governance import demo
from governance.models import Agreement, CareTask, Decision, DocumentVersion, Incident, Proposal, Shift, Vote

pytestmark = pytest.mark.django_db

MODELS = (Proposal, Vote, Decision, DocumentVersion, Agreement, CareTask, Shift, Incident)


def test_demo_tells_the_story_and_is_idempotent(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    foundation.seed()

    demo.seed()
    counts = {m.__name__: m.objects.count() for m in MODELS}
    demo.seed()

    assert {m.__name__: m.objects.count() for m in MODELS} == counts
    kuregem = Decision.objects.filter(space__slug="werkhuis-kuregem")
    assert sorted(kuregem.values_list("title", "outcome")) == [
        ("Send the owner a formal notice about the heating", "passed"),
        ("Share the energy costs by headcount instead of area", "rejected"),
        ("Winter rules while the heating is unreliable", "passed"),
    ]
    heating = Incident.objects.get(title="The boiler has failed again: no heating")
    assert (heating.responsible, heating.status) == ("owner", "waiting_owner")
    assert Agreement.objects.get(space__slug="maison-biloba").kind == "use"
    assert Shift.objects.filter(task__space__slug="werkhuis-kuregem", done_at__isnull=False).exists()
