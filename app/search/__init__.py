"""Search: every page and note of a project, by a query language; hits lit on the page."""
