"""Where the work lives: thin clients of the trackers (GitHub, Jira) and what their webhooks say."""
