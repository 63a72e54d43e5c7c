"""What a detector reports: one signal per enterprise that should see it."""

import hashlib
from dataclasses import dataclass, field


@dataclass(frozen=True)
class FoundSignal:
    kind: str
    # What the signal is about, stable from one nightly run to the next (a device and a day,
    # an exam attempt, a session and a device): with kind and enterprise, the fingerprint.
    subject: str
    enterprise_id: int
    evidence: dict = field(default_factory=dict, hash=False, compare=False)
    person_id: int | None = None
    session_id: int | None = None
    course_id: int | None = None

    @property
    def fingerprint(self) -> str:
        key = f"{self.kind}|{self.subject}|{self.enterprise_id}"
        return hashlib.sha256(key.encode()).hexdigest()
