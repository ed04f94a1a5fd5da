"""One module per `codemode` subcommand; see `codemode.cli`."""
