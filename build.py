#!/usr/bin/env python3
"""Entry point: ``python build.py [build|normalize|serve|check] ...`` (see README)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from briefing.cli import main

if __name__ == "__main__":
    sys.exit(main(["--root", str(Path(__file__).resolve().parent), *sys.argv[1:]]))
