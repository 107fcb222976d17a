"""python -m intake_bot"""

from .cli import main

main()
