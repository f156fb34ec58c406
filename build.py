#!/usr/bin/env python3
"""Entry point: ``python build.py [build|normalize|serve|check] ...`` (see README)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from briefing.cli import run

if __name__ == "__main__":
    run(["--root", str(Path(__file__).resolve().parent), *sys.argv[1:]])
