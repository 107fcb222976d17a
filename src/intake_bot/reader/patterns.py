"""The two shapes every reader looks for: a URL and an e-mail address."""

from __future__ import annotations

import re

URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"'\])]+", re.I)


EMAIL = re.compile(r"(?<![\w.+'-])[\w.+'-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,24}(?![\w-])")
