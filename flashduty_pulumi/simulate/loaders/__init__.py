"""Where a ``Config`` comes from: the live API, a Pulumi program under mocks, or a snapshot."""

from ..snapshot import read_snapshot_file
from .live import load_live
from .program import ProgramError, load_program

__all__ = ["ProgramError", "load_live", "load_program", "read_snapshot_file"]
