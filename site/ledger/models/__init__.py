from ledger.models.corrections import Correction
from ledger.models.proofs import HoursProof

__all__ = ["Correction", "HoursProof"]
