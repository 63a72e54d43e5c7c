"""ffmpeg behind one package: which binary runs, what a file holds, and the transcode commands.

Nothing outside this package builds ffmpeg arguments or starts ffmpeg. The module `probe` reads
files and picks the binary, `commands` builds the command lines, `process` runs them. Import the
API from here (`from media import ffmpeg`; `ffmpeg.probe(...)`): at this level `probe` is the
function, which hides the module of the same name.
"""

from media.ffmpeg.commands import (
    Encoding,
    Outputs,
    Rung,
    ladder_for,
    sample_command,
    transcode_commands,
)
from media.ffmpeg.probe import ProbeError, Tools, VideoInfo, probe, tools
from media.ffmpeg.process import TranscodeError, TranscodeTimeout, run, transcode

__all__ = [
    "Encoding",
    "Outputs",
    "ProbeError",
    "Rung",
    "Tools",
    "TranscodeError",
    "TranscodeTimeout",
    "VideoInfo",
    "ladder_for",
    "probe",
    "run",
    "sample_command",
    "tools",
    "transcode",
    "transcode_commands",
]
