"""Unit tests of `crawler/middlewares/`: the rules the middlewares apply, without a crawl."""
