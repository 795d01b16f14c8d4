"""What one drain of the outbox did."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class SendReport:
    """What one drain of the outbox did."""

    sent: int = 0
    blocked: int = 0
    failed: int = 0
    uncertain: int = 0
    retrying: int = 0  # put back in the queue for later (network errors, long floods)
    most_in_flight: int = 0  # messages marked ``sending`` at once at most (a crash's repeats)

    def __bool__(self) -> bool:
        return bool(self.sent or self.blocked or self.failed or self.uncertain or self.retrying)

    def add(self, other: SendReport) -> None:
        """Count ``other`` in too."""
        self.sent += other.sent
        self.blocked += other.blocked
        self.failed += other.failed
        self.uncertain += other.uncertain
        self.retrying += other.retrying
        self.most_in_flight = max(self.most_in_flight, other.most_in_flight)
