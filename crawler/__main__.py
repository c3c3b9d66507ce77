"""`python -m crawler` is `cri-crawler`."""

import sys

from crawler.cli import main

sys.exit(main())
