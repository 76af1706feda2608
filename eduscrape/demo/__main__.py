"""``python -m eduscrape.demo [--port 8000]`` serves the demo web."""

from eduscrape.demo.server import main

main()
