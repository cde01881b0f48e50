"""One module per kind of record, each exporting `SPEC`."""
