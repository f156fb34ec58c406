"""briefing: a static site generator for briefing digests.

The build is a pipeline of small stages (see ``briefing.pipeline``):
seeds -> normalize -> content -> classify -> render/feeds -> write.
"""

__version__ = "0.1.0"
