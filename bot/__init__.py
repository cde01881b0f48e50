"""tpmbot: a Slack app that does the routine half of a Technical Program Manager's job."""

__version__ = "0.1.0"
