"""The review page (`caseminer review`): curate the registry's facts against their evidence in a browser."""

from caseminer.review.app import create_app

__all__ = ["create_app"]
